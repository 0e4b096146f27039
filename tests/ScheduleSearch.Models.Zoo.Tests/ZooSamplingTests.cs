using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Solvers;
using ScheduleSearch.Models.Onnx;
using ScheduleSearch.Models.Zoo.Tests.Support;
using Xunit.Abstractions;

namespace ScheduleSearch.Models.Zoo.Tests;

/// <summary>
/// Short solver runs through the trained networks. The data are images scaled to [-1, 1]; a coarse 10-NFE solution
/// (and guidance 3, which extrapolates) overshoots that range a little, mostly on the black background, so every value
/// must lie in [-DataLimit, DataLimit] = [-2, 2] and at least 95% of them in [-1.25, 1.25].
/// </summary>
public class ZooSamplingTests(ITestOutputHelper output)
{
    /// <summary>The accepted range of sample values: [-1, 1] data with slack for a coarse 10-step solution.</summary>
    public const double DataLimit = 2.0;

    [Theory]
    [InlineData("fashion-unet-eps", 1.0)]
    [InlineData("fashion-unet-eps", 3.0)]
    [InlineData("fashion-unet-eps", 0.0)]
    [InlineData("fashion-unet-v", 1.0)]
    [InlineData("fashion-flow", 1.0)]
    public void A_ten_step_dpm_solver_pp_2m_run_on_eight_samples_gives_finite_values_within_the_data_range(string name, double guidance)
    {
        using var denoiser = OnnxDenoiser.Open(ZooModels.Card(name), new OnnxDenoiserOptions { IntraOpThreads = 1, GuidanceScale = guidance });
        var x = Sample(denoiser, "dpm-solver++-2m", 10, batch: 8, seed: 8);

        var outside = x.Count(v => Math.Abs(v) > 1.25) / (double)x.Length;
        output.WriteLine(FormattableString.Invariant($"{name}, guidance {guidance}: min {x.Min():F3}, max {x.Max():F3}, {100 * outside:F2}% outside [-1.25, 1.25]"));
        Assert.All(x, v => Assert.True(double.IsFinite(v), "every value is finite"));
        var worst = x.Max(Math.Abs);
        Assert.True(worst <= DataLimit, $"largest |value| {worst} exceeds {DataLimit}");
        Assert.True(outside < 0.05, FormattableString.Invariant($"{100 * outside:F2}% of the values lie outside [-1.25, 1.25]"));
        Assert.Equal(10, denoiser.Calls);
    }

    [Theory]
    [InlineData("fashion-unet-eps")]
    [InlineData("fashion-unet-v")]
    [InlineData("fashion-flow")]
    public void Samples_look_like_garments_on_a_dark_background_not_like_noise(string name)
    {
        using var denoiser = OnnxDenoiser.Open(ZooModels.Card(name), new OnnxDenoiserOptions { IntraOpThreads = 1 });
        var x = Sample(denoiser, "dpm-solver++-2m", 10, batch: 8, seed: 3);

        // Fashion-MNIST images have a black border (value -1): the outermost ring of pixels is dark in every sample.
        for (var b = 0; b < 8; b++)
        {
            var border = new List<double>();
            for (var i = 0; i < 28; i++)
            {
                border.Add(x[(b * 784) + i]);
                border.Add(x[(b * 784) + (27 * 28) + i]);
                border.Add(x[(b * 784) + (i * 28)]);
                border.Add(x[(b * 784) + (i * 28) + 27]);
            }

            Assert.True(border.Average() < -0.6, $"sample {b}: mean border value {border.Average()}");
        }
    }

    private static double[] Sample(OnnxDenoiser denoiser, string preset, int nfe, int batch, int seed)
    {
        var plan = PresetCatalog.Create(preset, denoiser.Schedule, nfe);
        var random = new Random(seed);
        var noise = new double[batch * denoiser.SampleSize];
        for (var i = 0; i < noise.Length; i++)
        {
            noise[i] = Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());
        }

        var x = new double[noise.Length];
        Sampler.InitialState(denoiser.Schedule, plan.Timesteps[0], noise, x);
        new Sampler(denoiser).Run(plan, x, batch);
        return x;
    }
}
