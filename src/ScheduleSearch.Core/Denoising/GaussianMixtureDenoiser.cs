using ScheduleSearch.Core.Noise;

namespace ScheduleSearch.Core.Denoising;

/// <summary>
/// The exact posterior-mean denoiser of a <see cref="GaussianMixture"/> in float64:
/// D(x, s) = E[x0 | x0 + s n = x], evaluated in the VE view at x/alpha, s = sigma/alpha.
/// </summary>
public sealed class GaussianMixtureDenoiser : ParameterizedDenoiser
{
    private readonly GaussianMixture mixture;
    private readonly double[] logWeights;

    /// <summary>Wraps <paramref name="mixture"/> under the noise schedule <paramref name="schedule"/>.</summary>
    public GaussianMixtureDenoiser(GaussianMixture mixture, NoiseSchedule schedule)
        : base(schedule, mixture.Dimension, Parameterization.VeDenoiser)
    {
        this.mixture = mixture;
        logWeights = mixture.Weights.Select(w => Math.Log(w)).ToArray();
    }

    /// <summary>The mixture this denoiser is exact for.</summary>
    public GaussianMixture Mixture => mixture;

    /// <summary>The VE denoiser D(xbar, s) on one row: the closed form of refdata/README.md section 2.</summary>
    public void DenoiseVe(ReadOnlySpan<double> xbar, double s, Span<double> x0, Span<double> logResponsibility)
    {
        var dim = mixture.Dimension;
        var components = mixture.Components;
        var s2 = s * s;
        var max = double.NegativeInfinity;
        for (var k = 0; k < components; k++)
        {
            var mu = mixture.Means[k];
            var v = mixture.Variances[k];
            double quad = 0.0, logDet = 0.0;
            for (var d = 0; d < dim; d++)
            {
                var total = v[d] + s2;
                var diff = xbar[d] - mu[d];
                quad += diff * diff / total;
                logDet += Math.Log(2.0 * Math.PI * total);
            }

            var l = logWeights[k] - (0.5 * (quad + logDet));
            logResponsibility[k] = l;
            max = Math.Max(max, l);
        }

        double sum = 0.0;
        for (var k = 0; k < components; k++)
        {
            sum += Math.Exp(logResponsibility[k] - max);
        }

        var logSum = max + Math.Log(sum);
        x0[..dim].Clear();
        for (var k = 0; k < components; k++)
        {
            var r = Math.Exp(logResponsibility[k] - logSum);
            logResponsibility[k] -= logSum;
            if (r == 0.0)
            {
                continue;
            }

            var mu = mixture.Means[k];
            var v = mixture.Variances[k];
            for (var d = 0; d < dim; d++)
            {
                x0[d] += r * (mu[d] + (v[d] / (v[d] + s2) * (xbar[d] - mu[d])));
            }
        }
    }

    /// <inheritdoc />
    protected override bool EvaluatesRowTimes => true;

    /// <inheritdoc />
    /// <remarks>Row by row, as <see cref="Evaluate"/>: a row's output is the same whatever rows share its call.</remarks>
    protected override void EvaluateRows(ReadOnlySpan<double> x, ReadOnlySpan<double> t, Span<double> output)
    {
        var dim = mixture.Dimension;
        for (var r = 0; r < t.Length; r++)
        {
            Evaluate(x.Slice(r * dim, dim), 1, t[r], output.Slice(r * dim, dim));
        }
    }

    /// <inheritdoc />
    protected override void Evaluate(ReadOnlySpan<double> x, int batch, double t, Span<double> output)
    {
        var alpha = Schedule.Alpha(t);
        var s = Schedule.Sigma(t) / alpha;
        var dim = mixture.Dimension;
        Span<double> logR = mixture.Components <= 256 ? stackalloc double[mixture.Components] : new double[mixture.Components];
        Span<double> xbar = dim <= 1024 ? stackalloc double[dim] : new double[dim];
        for (var b = 0; b < batch; b++)
        {
            var row = x.Slice(b * dim, dim);
            for (var d = 0; d < dim; d++)
            {
                xbar[d] = row[d] / alpha;
            }

            DenoiseVe(xbar, s, output.Slice(b * dim, dim), logR);
        }
    }
}
