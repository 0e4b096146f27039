using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Solvers;
using ScheduleSearch.Models.Cards;
using ScheduleSearch.Models.Onnx;
using ScheduleSearch.Models.Zoo.Tests.Support;

namespace ScheduleSearch.Models.Zoo.Tests;

/// <summary>fashion-unet-eps's "small" variant (issue 9): a cheaper network of the same schedule and conventions.</summary>
public class ZooVariantTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void The_small_variant_of_fashion_unet_eps_validates_against_its_onnx_file_under_the_cards_conventions()
    {
        var card = ModelCardReader.Read(ZooModels.Card("fashion-unet-eps"));
        Assert.Contains(card.Variants, v => v.Name == "small");
        using var small = OnnxDenoiser.OpenVariant(card, "small", new OnnxDenoiserOptions { IntraOpThreads = 1 });

        Assert.Equal(784, small.SampleSize);
        Assert.Empty(ModelCardValidator.FindProblems(card, small.Inputs, small.Outputs));
        var primaryBytes = new FileInfo(card.OnnxPath).Length;
        var smallBytes = new FileInfo((card with { Onnx = card.Variants.Single(v => v.Name == "small").Onnx }).OnnxPath).Length;
        Assert.True(smallBytes * 4 < primaryBytes, $"small.onnx is {smallBytes} bytes, model.onnx {primaryBytes}");
    }

    [Theory]
    [InlineData(1.0, 10)]
    [InlineData(3.0, 5)]
    public void A_ten_step_run_on_the_small_variant_or_stitching_small_then_primary_gives_finite_values(double guidance, int first)
    {
        using var model = LoadedModel.Open(ZooModels.Card("fashion-unet-eps"), new OnnxDenoiserOptions { IntraOpThreads = 1, GuidanceScale = guidance });
        var plain = PresetCatalog.Create("dpm-solver++-2m", model.Primary.Schedule, 10);
        var stitched = plain with { Steps = [.. plain.Steps.Select((s, i) => i < first ? s with { Model = "small" } : s)] };
        var random = new Random(8);
        var noise = new double[4 * 784];
        for (var i = 0; i < noise.Length; i++)
        {
            noise[i] = Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());
        }

        var x = new double[noise.Length];
        Sampler.InitialState(model.Primary.Schedule, stitched.Timesteps[0], noise, x);
        new Sampler(model.Primary, variants: model.Variants).Run(stitched, x, 4);

        output.WriteLine(FormattableString.Invariant($"guidance {guidance}, {first} small: max {x.Max(Math.Abs):F3}, outside 1.25: {x.Count(v => Math.Abs(v) > 1.25) / (double)x.Length:P2}"));
        Assert.All(x, v => Assert.True(double.IsFinite(v), "every value is finite"));
        Assert.Equal(10 - first, model.Primary.Calls);
        Assert.Equal(first, model.Variants["small"].Calls);
    }
}
