using ScheduleSearch.Core.Ems;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Tests.Support;
using Xunit.Abstractions;

namespace ScheduleSearch.Core.Tests.Ems;

/// <summary>
/// The statistics estimator against the authors' script on recorded draws (refdata/dpm_solver_v3/statistics_check:
/// 24 intervals, 2 batches of 16, every random number saved), with exact Jacobian-vector products of mixture A.
/// </summary>
public sealed class EmsEstimatorTests(ITestOutputHelper output)
{
    [Fact]
    public void Estimator_reproduces_the_authors_statistics_on_recorded_draws()
    {
        var noise = VpDiscreteSchedule.Linear();
        var model = new GaussianMixtureTangent(RefData.Mixture(), noise);
        var data = V3RefData.Array("statistics_check", "x0.npy").Data;
        var options = new EmsEstimatorOptions { Intervals = 24, BatchSize = 16, Batches = 2, TStart = 1.0, TEnd = 1e-3 };
        var estimate = EmsEstimator.Estimate(model, data, options, new RecordedDraws());

        Compare("lambda", estimate.Statistics.Lambda, "lambda.npy", 1e-12);
        Compare("t", estimate.Times, "t.npy", 1e-12);
        Compare("l", estimate.Statistics.L, "l.npy", 1e-12);
        Compare("l_d", estimate.LDerivative, "l_d.npy", 1e-10);
        Compare("f_mean", estimate.FMean, "f_mean.npy", 1e-10);
        Compare("fd_mean", estimate.FdMean, "fd_mean.npy", 1e-10);
        Compare("ff_mean", estimate.FfMean, "ff_mean.npy", 1e-10);
        Compare("ffd_mean", estimate.FfdMean, "ffd_mean.npy", 1e-10);
        // s and b lose digits in F11 - F1^2 where f hardly varies (refdata README section 3): relative 1e-8.
        Compare("s", estimate.Statistics.S, "s.npy", 1e-8);
        Compare("b", estimate.Statistics.B, "b.npy", 1e-8);
    }

    [Fact]
    public void Analytic_tangent_agrees_with_central_differences_of_the_mixture()
    {
        var noise = VpDiscreteSchedule.Linear();
        var mixture = RefData.Mixture();
        var exact = new GaussianMixtureTangent(mixture, noise);
        var numeric = new FiniteDifferenceTangent(new ScheduleSearch.Core.Denoising.GaussianMixtureDenoiser(mixture, noise), 1e-5);
        var rng = new Random(3);
        var x = Enumerable.Range(0, 4 * 8).Select(_ => rng.NextDouble() * 2.0 - 1.0).ToArray();
        var dx = Enumerable.Range(0, 4 * 8).Select(_ => rng.NextDouble() - 0.5).ToArray();
        foreach (var t in new[] { 0.9, 0.4, 0.05 })
        {
            var a = new double[x.Length];
            var b = new double[x.Length];
            exact.Tangent(x, 4, t, dx, 0.7, a);
            numeric.Tangent(x, 4, t, dx, 0.7, b);
            var scale = a.Max(Math.Abs);
            var error = a.Zip(b).Max(p => Math.Abs(p.First - p.Second));
            output.WriteLine($"t {t}: max |exact - central difference| = {error:E2} (scale {scale:E2})");
            Assert.True(error <= 1e-6 * Math.Max(1.0, scale), $"t {t}: {error:E2}");
        }
    }

    private static void Compare(string name, ReadOnlySpan<double> actual, string file, double relative)
    {
        var expected = V3RefData.Array("statistics_check", file).Data;
        Assert.Equal(expected.Length, actual.Length);
        var scale = Math.Max(1.0, expected.Max(Math.Abs));
        var worst = 0.0;
        for (var i = 0; i < expected.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]));
        }

        Assert.True(worst <= relative * scale, $"{name}: max abs difference {worst:E3} > {relative * scale:E3}");
    }

    /// <summary>The draws the authors' script made, [grid point, batch, row, D].</summary>
    private sealed class RecordedDraws : IEmsDraws
    {
        private readonly double[] v01 = V3RefData.Array("statistics_check", "draw_v01.npy").Data;
        private readonly double[] zl = V3RefData.Array("statistics_check", "draw_z_l.npy").Data;
        private readonly double[] zf = V3RefData.Array("statistics_check", "draw_z_f.npy").Data;

        public void Rademacher(int gridIndex, int batch, Span<double> v)
        {
            var from = Offset(gridIndex, batch, v.Length);
            for (var i = 0; i < v.Length; i++)
            {
                v[i] = (2.0 * v01[from + i]) - 1.0;
            }
        }

        public void FirstPassNoise(int gridIndex, int batch, Span<double> z) => zl.AsSpan(Offset(gridIndex, batch, z.Length), z.Length).CopyTo(z);

        public void SecondPassNoise(int gridIndex, int batch, Span<double> z) => zf.AsSpan(Offset(gridIndex, batch, z.Length), z.Length).CopyTo(z);

        private static int Offset(int gridIndex, int batch, int length) => ((gridIndex * 2) + batch) * length;
    }
}
