using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;

namespace ScheduleSearch.Core.Tests.Denoising;

public sealed class RowTimeDenoiserTests
{
    private static readonly GaussianMixture Mixture = new([0.3, 0.7], [[1.0, -0.5, 0.2], [-1.5, 0.5, 2.0]], [[0.2, 0.1, 0.4], [0.05, 0.3, 0.2]]);

    [Theory]
    [InlineData("vp-discrete")]
    [InlineData("edm")]
    [InlineData("flow")]
    public void The_exact_mixture_takes_rows_at_their_own_times_in_one_call_as_one_call_per_time_would(string kind)
    {
        var schedule = NoiseSchedule.FromKind(kind);
        var denoiser = new GaussianMixtureDenoiser(Mixture, schedule);
        var times = new[] { schedule.TMax, schedule.TMax * 0.5, schedule.TMax * 0.1, schedule.TMin };
        var rng = new Random(4);
        var x = Enumerable.Range(0, times.Length * 3).Select(_ => (rng.NextDouble() * 4) - 2).ToArray();
        var x0 = new double[x.Length];
        var eps = new double[x.Length];

        Assert.True(denoiser.HandlesRowTimes);
        denoiser.PredictRows(x, times, x0, eps);

        Assert.Equal(1, denoiser.Calls);
        for (var r = 0; r < times.Length; r++)
        {
            var ex0 = new double[3];
            var eeps = new double[3];
            denoiser.Predict(x.AsSpan(r * 3, 3), 1, times[r], ex0, eeps);
            Assert.Equal(ex0, x0[(r * 3)..((r + 1) * 3)]);
            Assert.Equal(eeps, eps[(r * 3)..((r + 1) * 3)]);
        }
    }

    [Fact]
    public void A_denoiser_that_runs_one_time_per_call_says_so_and_refuses_rows_at_their_own_times()
    {
        var denoiser = new OneTimeDenoiser(NoiseSchedule.FromKind("vp-discrete"));

        Assert.False(denoiser.HandlesRowTimes);
        Assert.Throws<NotSupportedException>(() => denoiser.PredictRows(new double[2], [0.5, 0.4], new double[2], new double[2]));
        Assert.Equal(0, denoiser.Calls);
    }

    private sealed class OneTimeDenoiser(NoiseSchedule schedule) : ParameterizedDenoiser(schedule, 1, Parameterization.Epsilon)
    {
        protected override void Evaluate(ReadOnlySpan<double> x, int batch, double t, Span<double> output) => output.Clear();
    }
}
