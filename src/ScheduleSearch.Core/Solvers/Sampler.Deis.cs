using MathNet.Numerics.Integration;

namespace ScheduleSearch.Core.Solvers;

/// <summary>
/// DEIS's tAB step (Zhang and Chen 2022, eq. 15): eps_hat extrapolated by the Lagrange polynomial in t through the
/// last q evaluations and integrated exactly in the VE view, xbar_t = xbar_s + sum_j C_j eps_j with
/// C_j = integral from sigmabar_s to sigmabar_t of l_j(t(u)) du. The C_j depend only on the grid: cached.
/// </summary>
public sealed partial class Sampler
{
    private void DeisStep(Workspace ws, int q, double[] x, double t, double[] target)
    {
        var history = ws.History;
        var s = history[0].T;
        var alphaS = schedule.Alpha(s);
        var alphaT = schedule.Alpha(t);
        var coefficients = DeisCoefficients(history, q, t);
        Span<double> w = stackalloc double[q + 1];
        var sources = new double[q + 1][];
        w[0] = alphaT / alphaS;
        sources[0] = x;
        for (var j = 0; j < q; j++)
        {
            w[j + 1] = alphaT * coefficients[j];
            sources[j + 1] = history[j].Eps;
        }

        LinearCombination.Apply(target, w, sources);
    }

    private double[] DeisCoefficients(StepHistory history, int q, double t)
    {
        Span<double> nodes = stackalloc double[4];
        for (var j = 0; j < q; j++)
        {
            nodes[j] = history[j].T;
        }

        var key = new DeisKey(q, t, nodes[0], nodes[1], nodes[2], nodes[3]);
        if (deisCache.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var times = nodes[..q].ToArray();
        var from = schedule.VeSigma(times[0]);
        var to = schedule.VeSigma(t);
        var result = new double[q];
        var pieces = Pieces(times[0], t, from, to);
        for (var j = 0; j < q; j++)
        {
            if (q == 1)
            {
                result[j] = to - from;
                break;
            }

            var index = j;
            double Lagrange(double u)
            {
                var tau = schedule.TimeOfVeSigma(u);
                var value = 1.0;
                for (var k = 0; k < times.Length; k++)
                {
                    if (k != index)
                    {
                        value *= (tau - times[k]) / (times[index] - times[k]);
                    }
                }

                return value;
            }

            result[j] = PiecewiseGaussLegendre(Lagrange, pieces);
        }

        deisCache[key] = result;
        return result;
    }

    /// <summary>
    /// Integration pieces in u = sigma/alpha from <paramref name="from"/> to <paramref name="to"/>: split where the schedule
    /// has kinks (t(u) is smooth between them) and into log-uniform parts, so 8-point Gauss-Legendre is exact to round-off.
    /// </summary>
    private List<double> Pieces(double s, double t, double from, double to)
    {
        var points = new List<double> { from, to };
        foreach (var knot in schedule.Breakpoints)
        {
            if (knot < s && knot > t)
            {
                points.Add(schedule.VeSigma(knot));
            }
        }

        const int logParts = 8;
        if (to > 0.0)
        {
            for (var k = 1; k < logParts; k++)
            {
                points.Add(Math.Exp(Math.Log(from) + (k * (Math.Log(to) - Math.Log(from)) / logParts)));
            }
        }

        points.Sort();
        if (from > to)
        {
            points.Reverse();
        }

        return points;
    }

    private static double PiecewiseGaussLegendre(Func<double, double> f, List<double> points)
    {
        var sum = 0.0;
        for (var i = 0; i + 1 < points.Count; i++)
        {
            if (points[i] != points[i + 1])
            {
                sum += GaussLegendreRule.Integrate(f, points[i], points[i + 1], 8);
            }
        }

        return sum;
    }

    private readonly record struct DeisKey(int Q, double T, double T0, double T1, double T2, double T3);
}
