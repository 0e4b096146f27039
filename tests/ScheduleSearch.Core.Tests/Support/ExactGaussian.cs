using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Solvers;

namespace ScheduleSearch.Core.Tests.Support;

/// <summary>
/// Data x0 ~ N(mu, diag(v)): the probability-flow ODE has the closed form (SOLVERS.md section 1)
/// xbar(sb) = mu + sqrt((v + sb^2)/(v + sb_T^2)) (xbar(sb_T) - mu) in the VE view, so every solver's error is exact.
/// </summary>
internal sealed class ExactGaussian
{
    public static readonly double[] Mean = [0.5, -1.0, 2.0, 0.0];
    public static readonly double[] Variance = [0.3, 1.0, 0.05, 2.0];
    public const int Batch = 8;

    public ExactGaussian(NoiseSchedule schedule)
    {
        Schedule = schedule;
        Denoiser = new GaussianMixtureDenoiser(new GaussianMixture([1.0], [Mean], [Variance]), schedule);
        var rng = new Random(7);
        Noise = Enumerable.Range(0, Batch * Mean.Length).Select(_ => Gaussian(rng)).ToArray();
    }

    public NoiseSchedule Schedule { get; }

    public GaussianMixtureDenoiser Denoiser { get; }

    public double[] Noise { get; }

    /// <summary>Max abs error of <paramref name="schedule"/>'s output against the exact solution.</summary>
    public double Error(SamplerSchedule schedule)
    {
        var tStart = schedule.Timesteps[0];
        var tEnd = schedule.Timesteps[^1];
        var x = new double[Noise.Length];
        Sampler.InitialState(Schedule, tStart, Noise, x);
        var exact = Exact(x, tStart, tEnd);
        new Sampler(Denoiser).Run(schedule, x, Batch);
        var error = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            error = Math.Max(error, Math.Abs(x[i] - exact[i]));
        }

        return double.IsNaN(error) ? double.PositiveInfinity : error;
    }

    public double[] Exact(double[] start, double tStart, double tEnd)
    {
        var aT = Schedule.Alpha(tStart);
        var sbT = Schedule.VeSigma(tStart);
        var a0 = Schedule.Alpha(tEnd);
        var sb0 = Schedule.VeSigma(tEnd);
        var d = Mean.Length;
        var result = new double[start.Length];
        for (var i = 0; i < start.Length; i++)
        {
            var m = Mean[i % d];
            var v = Variance[i % d];
            var xbar = m + (Math.Sqrt((v + (sb0 * sb0)) / (v + (sbT * sbT))) * ((start[i] / aT) - m));
            result[i] = a0 * xbar;
        }

        return result;
    }

    /// <summary>Least-squares slope of -log(error) against log(NFE).</summary>
    public static double FittedOrder(IReadOnlyList<int> nfes, IReadOnlyList<double> errors)
    {
        var xs = nfes.Select(n => Math.Log(n)).ToArray();
        var ys = errors.Select(e => -Math.Log(e)).ToArray();
        var mx = xs.Average();
        var my = ys.Average();
        var num = xs.Zip(ys).Sum(p => (p.First - mx) * (p.Second - my));
        var den = xs.Sum(x => (x - mx) * (x - mx));
        return num / den;
    }

    private static double Gaussian(Random rng)
    {
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
