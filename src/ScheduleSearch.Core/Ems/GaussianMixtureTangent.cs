using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;

namespace ScheduleSearch.Core.Ems;

/// <summary>
/// Exact Jacobian-vector products of the Gaussian-mixture noise prediction (refdata/README.md section 2) in x and
/// lambda: with xbar = x/alpha, q = (sigma/alpha)^2 = e^(-2 lambda), the posterior mean x0 = sum_k r_k m_k,
/// m_k = mu_k + v_k/(v_k + q) (xbar - mu_k), r = softmax(l), and eps = (x - alpha x0)/sigma; every derivative is
/// written out (no finite differences), so statistics of an analytic model carry no differentiation error.
/// </summary>
public sealed class GaussianMixtureTangent(GaussianMixture mixture, NoiseSchedule schedule) : IEmsModel
{
    /// <inheritdoc />
    public NoiseSchedule Schedule => schedule;

    /// <inheritdoc />
    public int SampleSize => mixture.Dimension;

    /// <inheritdoc />
    public bool IsThreadSafe => true;

    /// <inheritdoc />
    public void Noise(ReadOnlySpan<double> x, int batch, double t, Span<double> eps) => Run(x, batch, t, default, 0.0, eps, default);

    /// <inheritdoc />
    public void Tangent(ReadOnlySpan<double> x, int batch, double t, ReadOnlySpan<double> dx, double dLambda, Span<double> dEps) =>
        Run(x, batch, t, dx, dLambda, default, dEps);

    private void Run(ReadOnlySpan<double> x, int batch, double t, ReadOnlySpan<double> dx, double dLambda, Span<double> eps, Span<double> dEps)
    {
        var d = mixture.Dimension;
        var components = mixture.Components;
        var alpha = schedule.Alpha(t);
        var sigma = schedule.Sigma(t);
        var q = sigma * sigma / (alpha * alpha);
        var dq = -2.0 * q * dLambda;
        var tangent = !dEps.IsEmpty;
        var xbar = new double[d];
        var dxbar = new double[d];
        var logR = new double[components];
        var dl = new double[components];
        var x0 = new double[d];
        var dx0 = new double[d];
        for (var row = 0; row < batch; row++)
        {
            var xr = x.Slice(row * d, d);
            for (var e = 0; e < d; e++)
            {
                xbar[e] = xr[e] / alpha;
                // d xbar = dx / alpha - xbar d(log alpha), d log alpha / d lambda = sigma^2.
                dxbar[e] = tangent ? (dx[(row * d) + e] / alpha) - (xbar[e] * sigma * sigma * dLambda) : 0.0;
            }

            var max = double.NegativeInfinity;
            for (var k = 0; k < components; k++)
            {
                var mu = mixture.Means[k];
                var v = mixture.Variances[k];
                double quad = 0.0, logDet = 0.0, dlk = 0.0;
                for (var e = 0; e < d; e++)
                {
                    var total = v[e] + q;
                    var diff = xbar[e] - mu[e];
                    quad += diff * diff / total;
                    logDet += Math.Log(2.0 * Math.PI * total);
                    dlk -= (diff * dxbar[e] / total) + (0.5 * ((1.0 / total) - (diff * diff / (total * total))) * dq);
                }

                logR[k] = Math.Log(mixture.Weights[k]) - (0.5 * (quad + logDet));
                dl[k] = dlk;
                max = Math.Max(max, logR[k]);
            }

            var sum = 0.0;
            for (var k = 0; k < components; k++)
            {
                sum += Math.Exp(logR[k] - max);
            }

            var logSum = max + Math.Log(sum);
            var meanDl = 0.0;
            for (var k = 0; k < components; k++)
            {
                logR[k] = Math.Exp(logR[k] - logSum);
                meanDl += logR[k] * dl[k];
            }

            Array.Clear(x0);
            Array.Clear(dx0);
            for (var k = 0; k < components; k++)
            {
                var r = logR[k];
                if (r == 0.0)
                {
                    continue;
                }

                var dr = r * (dl[k] - meanDl);
                var mu = mixture.Means[k];
                var v = mixture.Variances[k];
                for (var e = 0; e < d; e++)
                {
                    var total = v[e] + q;
                    var diff = xbar[e] - mu[e];
                    var m = mu[e] + (v[e] / total * diff);
                    x0[e] += r * m;
                    if (tangent)
                    {
                        var dm = (v[e] / total * dxbar[e]) - (v[e] / (total * total) * diff * dq);
                        dx0[e] += (dr * m) + (r * dm);
                    }
                }
            }

            for (var e = 0; e < d; e++)
            {
                var i = (row * d) + e;
                var epsValue = (xr[e] - (alpha * x0[e])) / sigma;
                if (!eps.IsEmpty)
                {
                    eps[i] = epsValue;
                }

                if (tangent)
                {
                    // d eps = (dx - d(alpha) x0 - alpha dx0) / sigma - eps d(log sigma); d log sigma / d lambda = -alpha^2.
                    dEps[i] = ((dx[i] - (alpha * sigma * sigma * dLambda * x0[e]) - (alpha * dx0[e])) / sigma) + (epsValue * alpha * alpha * dLambda);
                }
            }
        }
    }
}
