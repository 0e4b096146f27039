using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Solvers;
using ScheduleSearch.Core.Spacings;
using ScheduleSearch.Models.Cards;
using ScheduleSearch.Models.Gmm;
using ScheduleSearch.Models.Onnx;
using ScheduleSearch.Models.Tests.Support;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Models.Tests.Onnx;

public sealed class LoadedModelTests
{
    [Fact]
    public void A_built_in_gmm_card_brings_the_mixtures_exact_statistics()
    {
        using var model = LoadedModel.Open(BuiltInModels.GmmToy8Card);
        var exact = DataStatistics.Of(GmmParametersJson.Read(BuiltInModels.GmmToy8Params));
        Assert.NotNull(model.Statistics);
        Assert.Equal(exact.Mean, model.Statistics.Mean);
        Assert.Equal(exact.Covariance, model.Statistics.Covariance);
        Assert.Empty(model.Variants);
    }

    [Fact]
    public void A_teleport_then_solver_schedule_runs_through_the_onnx_model_like_the_csharp_gmm()
    {
        using var model = LoadedModel.Open(BuiltInModels.GmmToy8Card);
        var noise = model.Primary.Schedule;
        var grid = Grids.Build(Spacing.LogSnrUniform, noise, 5, 0.6, 1e-3);
        var solver = PresetCatalog.Create("unipc-bh2-2", noise, grid);
        var plan = new SamplerSchedule("teleport", noise.Kind, [1.0, .. grid], [new StepChoice { Method = StepMethod.Teleport }, .. solver.Steps]);
        var random = new Random(3);
        var start = Enumerable.Range(0, 16 * 8).Select(_ => TestMixtures.Normal(random)).ToArray();
        var viaOnnx = (double[])start.Clone();
        var viaCSharp = (double[])start.Clone();
        new Sampler(model.Primary, model.Statistics).Run(plan, viaOnnx, 16);
        var exact = new GaussianMixtureDenoiser(GmmParametersJson.Read(BuiltInModels.GmmToy8Params), noise);
        new Sampler(exact, DataStatistics.Of(exact.Mixture)).Run(plan, viaCSharp, 16);
        Assert.True(viaOnnx.Zip(viaCSharp, (a, b) => Math.Abs(a - b)).Max() < 1e-4);
        Assert.Equal(5, model.Primary.Calls);
    }

    [Fact]
    public void Variants_listed_in_a_card_open_under_its_conventions_and_are_routed_by_step()
    {
        using var dir = new TempDirectory();
        var mixture = GmmParametersJson.Read(BuiltInModels.GmmToy8Params);
        var card = GmmModelWriter.Write(mixture, dir.Path, "vp-discrete", "stitched");
        File.Copy(Path.Combine(dir.Path, GmmModelWriter.OnnxFile), Path.Combine(dir.Path, "small.onnx"));
        ModelCardWriter.Write(card with { Variants = [new ModelVariant("small", "small.onnx")] }, Path.Combine(dir.Path, GmmModelWriter.CardFile));

        using var model = LoadedModel.Open(Path.Combine(dir.Path, GmmModelWriter.CardFile));
        Assert.Equal(["small"], model.Variants.Keys);
        var plan = PresetCatalog.Create("dpm-solver++-2m", model.Primary.Schedule, 6);
        plan = plan with { Steps = [.. plan.Steps.Select((s, i) => i < 2 ? s with { Model = "small" } : s)] };
        var x = new double[4 * 8];
        new Sampler(model.Primary, model.Statistics, model.Variants).Run(plan, x, 4);
        Assert.Equal(2, model.Variants["small"].Calls);
        Assert.Equal(4, model.Primary.Calls);
    }

    [Fact]
    public void A_card_with_a_duplicate_variant_name_is_refused_naming_it()
    {
        var text = File.ReadAllText(BuiltInModels.GmmToy8Card).TrimEnd().TrimEnd('}')
            + ", \"variants\": [ { \"name\": \"a\", \"onnx\": \"model.onnx\" }, { \"name\": \"a\", \"onnx\": \"model.onnx\" } ] }";
        var error = Assert.Throws<ModelCardException>(() => ModelCardReader.Parse(text, "card.json"));
        Assert.Contains("'variants[1].name' 'a' is empty or used twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_statistics_file_without_a_mean_is_refused_naming_the_file()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "stats.npz");
        ScheduleSearch.Models.Arrays.Npz.Write(path, [new("variance", new ScheduleSearch.Models.Arrays.NpyArray([3], [1.0, 2.0, 3.0]))]);
        var error = Assert.Throws<ModelCardException>(() => StatisticsFile.Read(path, 3));
        Assert.Equal($"statistics file '{path}': expected an array 'mean' of 3 values", error.Message);
    }

    [Fact]
    public void Statistics_round_trip_through_npz_with_full_or_diagonal_covariance()
    {
        using var dir = new TempDirectory();
        var stats = DataStatistics.Of(GmmParametersJson.Read(BuiltInModels.GmmToy8Params));
        var full = Path.Combine(dir.Path, "full.npz");
        var diagonal = Path.Combine(dir.Path, "diag.npz");
        StatisticsFile.Write(full, stats, fullCovariance: true);
        StatisticsFile.Write(diagonal, stats, fullCovariance: false);
        Assert.Equal(stats.Covariance, StatisticsFile.Read(full, 8).Covariance);
        var read = StatisticsFile.Read(diagonal, 8);
        Assert.Null(read.Covariance);
        Assert.Equal(stats.Variance, read.Variance);
    }
}
