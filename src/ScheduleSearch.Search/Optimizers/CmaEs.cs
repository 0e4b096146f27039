using MathNet.Numerics.LinearAlgebra;
using ScheduleSearch.Search.Generators;

namespace ScheduleSearch.Search.Optimizers;

/// <summary>
/// CMA-ES (Hansen, "The CMA Evolution Strategy: A Tutorial", 2016, Algorithm in appendix A): rank-one and
/// rank-mu covariance updates with cumulative step-size adaptation. Minimises; ask <see cref="Lambda"/>
/// points, tell them back with their scores.
/// </summary>
internal sealed class CmaEs
{
    private readonly int n;
    private readonly double[] weights;
    private readonly double mueff;
    private readonly double cc;
    private readonly double cs;
    private readonly double c1;
    private readonly double cmu;
    private readonly double damps;
    private readonly double chiN;
    private double[] mean;
    private readonly double[] pc;
    private readonly double[] ps;
    private Matrix<double> c;
    private Matrix<double> b;
    private double[] d;
    private int generation;

    public CmaEs(IReadOnlyList<double> start, double sigma, int? lambda = null)
    {
        n = start.Count;
        Lambda = lambda ?? (4 + (int)Math.Floor(3 * Math.Log(n)));
        Mu = Lambda / 2;
        weights = Enumerable.Range(1, Mu).Select(i => Math.Log(Mu + 0.5) - Math.Log(i)).ToArray();
        var sum = weights.Sum();
        for (var i = 0; i < Mu; i++)
        {
            weights[i] /= sum;
        }

        mueff = 1.0 / weights.Sum(w => w * w);
        cc = (4 + (mueff / n)) / (n + 4 + (2 * mueff / n));
        cs = (mueff + 2) / (n + mueff + 5);
        c1 = 2 / (((n + 1.3) * (n + 1.3)) + mueff);
        cmu = Math.Min(1 - c1, 2 * (mueff - 2 + (1 / mueff)) / (((n + 2) * (n + 2)) + mueff));
        damps = 1 + (2 * Math.Max(0, Math.Sqrt((mueff - 1) / (n + 1)) - 1)) + cs;
        chiN = Math.Sqrt(n) * (1 - (1.0 / (4 * n)) + (1.0 / (21.0 * n * n)));
        mean = [.. start];
        Sigma = sigma;
        pc = new double[n];
        ps = new double[n];
        c = Matrix<double>.Build.DenseIdentity(n);
        b = Matrix<double>.Build.DenseIdentity(n);
        d = Enumerable.Repeat(1.0, n).ToArray();
    }

    /// <summary>Points per generation.</summary>
    public int Lambda { get; }

    /// <summary>Parents per generation.</summary>
    public int Mu { get; }

    /// <summary>The current step size.</summary>
    public double Sigma { get; private set; }

    /// <summary>The current mean.</summary>
    public IReadOnlyList<double> Mean => mean;

    /// <summary>One point: mean + sigma * B D z with z standard normal.</summary>
    public double[] Sample(Random rng)
    {
        var z = new double[n];
        for (var i = 0; i < n; i++)
        {
            z[i] = d[i] * rng.Gaussian();
        }

        var x = new double[n];
        for (var i = 0; i < n; i++)
        {
            double y = 0;
            for (var j = 0; j < n; j++)
            {
                y += b[i, j] * z[j];
            }

            x[i] = mean[i] + (Sigma * y);
        }

        return x;
    }

    /// <summary>Updates from scored points (any count; the best Mu finite ones are used, weights renormalised).</summary>
    public void Tell(IReadOnlyList<(double[] Point, double Score)> scored)
    {
        var selected = scored.Where(s => double.IsFinite(s.Score)).OrderBy(s => s.Score).Take(Mu).ToArray();
        if (selected.Length < 2)
        {
            return;
        }

        var w = weights.Take(selected.Length).ToArray();
        var wsum = w.Sum();
        for (var i = 0; i < w.Length; i++)
        {
            w[i] /= wsum;
        }

        var old = mean;
        mean = new double[n];
        for (var k = 0; k < selected.Length; k++)
        {
            for (var i = 0; i < n; i++)
            {
                mean[i] += w[k] * selected[k].Point[i];
            }
        }

        var yw = Enumerable.Range(0, n).Select(i => (mean[i] - old[i]) / Sigma).ToArray();
        // C^{-1/2} y_w = B D^{-1} B^T y_w
        var bty = new double[n];
        for (var j = 0; j < n; j++)
        {
            for (var i = 0; i < n; i++)
            {
                bty[j] += b[i, j] * yw[i];
            }

            bty[j] /= d[j];
        }

        var csFactor = Math.Sqrt(cs * (2 - cs) * mueff);
        for (var i = 0; i < n; i++)
        {
            double v = 0;
            for (var j = 0; j < n; j++)
            {
                v += b[i, j] * bty[j];
            }

            ps[i] = ((1 - cs) * ps[i]) + (csFactor * v);
        }

        generation++;
        var psNorm = Math.Sqrt(ps.Sum(v => v * v));
        var hsig = psNorm / Math.Sqrt(1 - Math.Pow(1 - cs, 2 * generation)) / chiN < 1.4 + (2.0 / (n + 1)) ? 1.0 : 0.0;
        var ccFactor = Math.Sqrt(cc * (2 - cc) * mueff);
        for (var i = 0; i < n; i++)
        {
            pc[i] = ((1 - cc) * pc[i]) + (hsig * ccFactor * yw[i]);
        }

        var next = c * (1 - c1 - cmu + ((1 - hsig) * c1 * cc * (2 - cc)));
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var rankMu = 0.0;
                for (var k = 0; k < selected.Length; k++)
                {
                    rankMu += w[k] * (selected[k].Point[i] - old[i]) * (selected[k].Point[j] - old[j]);
                }

                next[i, j] += (c1 * pc[i] * pc[j]) + (cmu * rankMu / (Sigma * Sigma));
            }
        }

        c = (next + next.Transpose()) * 0.5;
        Sigma *= Math.Exp(Math.Min(1.0, (cs / damps) * ((psNorm / chiN) - 1)));
        var evd = c.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric);
        b = evd.EigenVectors;
        d = evd.EigenValues.Select(e => Math.Sqrt(Math.Max(e.Real, 1e-20))).ToArray();
    }
}
