namespace ScheduleSearch.Core.Ems;

/// <summary>
/// The integrals of DPM-Solver-v3's update (Zheng et al. 2023, eq. 14), as cumulative trapezoid sums over the
/// statistics grid, each 0 at index 0 (refdata/dpm_solver_v3/README.md section 4):
/// L = int l, S = int s, I = int e^(L+S), B = int e^(-S) b, C = int e^(L+S) B (d lambda). Sums of exponentials are
/// taken on e^(a - max a) and scaled back, as the authors do. Values between grid points (a point the authors' sampler
/// would have snapped) extend the same trapezoid rule with l, s, b interpolated linearly in lambda; at grid points
/// nothing is interpolated. Immutable; shared by every sampler of a model.
/// </summary>
public sealed class EmsIntegrals
{
    /// <summary>A point within this fraction of a grid interval from a grid point is that grid point.</summary>
    public const double SnapTolerance = 1e-6;

    private readonly EmsStatistics statistics;
    private readonly double[] cumL;
    private readonly double[] cumS;
    private readonly double[] cumI;
    private readonly double[] cumB;
    private readonly double[] cumC;

    internal EmsIntegrals(EmsStatistics statistics)
    {
        this.statistics = statistics;
        var d = statistics.SampleSize;
        var rows = statistics.Intervals + 1;
        var lambda = statistics.Lambda;
        var grid = lambda.ToArray();
        cumL = CumulativeTrapezoid(grid, statistics.L.ToArray(), null, d);
        cumS = CumulativeTrapezoid(grid, statistics.S.ToArray(), null, d);
        var ls = new double[rows * d];
        var minusS = new double[rows * d];
        for (var i = 0; i < ls.Length; i++)
        {
            ls[i] = cumL[i] + cumS[i];
            minusS[i] = -cumS[i];
        }

        cumI = CumulativeTrapezoid(grid, null, ls, d);
        cumB = CumulativeTrapezoid(grid, statistics.B.ToArray(), minusS, d);
        cumC = CumulativeTrapezoid(grid, cumB, ls, d);
    }

    /// <summary>The statistics these integrals belong to.</summary>
    public EmsStatistics Statistics => statistics;

    /// <summary>
    /// Where <paramref name="lambda"/> lies on the grid: a grid index, or the interval below it and the fraction into
    /// it. Null when it lies outside the grid by more than <see cref="SnapTolerance"/> of the end interval.
    /// </summary>
    public EmsGridPoint? Locate(double lambda)
    {
        var grid = statistics.Lambda;
        var k = statistics.Intervals;
        if (!double.IsFinite(lambda))
        {
            return null;
        }

        var j = (int)Math.Clamp(Math.Floor(k * (lambda - grid[0]) / (grid[k] - grid[0])), 0, k - 1);
        while (j > 0 && lambda < grid[j])
        {
            j--;
        }

        while (j < k - 1 && lambda > grid[j + 1])
        {
            j++;
        }

        var theta = (lambda - grid[j]) / (grid[j + 1] - grid[j]);
        if (theta < -SnapTolerance || theta > 1.0 + SnapTolerance)
        {
            return null;
        }

        if (theta <= SnapTolerance)
        {
            return new EmsGridPoint(j, 0.0, grid[j]);
        }

        if (theta >= 1.0 - SnapTolerance)
        {
            return new EmsGridPoint(j + 1, 0.0, grid[j + 1]);
        }

        return new EmsGridPoint(j, theta, lambda);
    }

    /// <summary>
    /// <see cref="ValuesAt(EmsGridPoint, Span{double}, Span{double}, Span{double}, Span{double}, Span{double}, Span{double})"/>
    /// into one span of 6 D values: l, L, S, I, B, C one after another.
    /// </summary>
    public void ValuesAt(EmsGridPoint point, Span<double> values)
    {
        var d = statistics.SampleSize;
        ValuesAt(point, values[..d], values.Slice(d, d), values.Slice(2 * d, d), values.Slice(3 * d, d), values.Slice(4 * d, d), values.Slice(5 * d, d));
    }

    /// <summary>
    /// l, and the integrals L, S, I, B, C at <paramref name="point"/>, one value per element (each span holds D values).
    /// </summary>
    public void ValuesAt(EmsGridPoint point, Span<double> l, Span<double> cumLAt, Span<double> cumSAt, Span<double> cumIAt, Span<double> cumBAt, Span<double> cumCAt)
    {
        var d = statistics.SampleSize;
        var j = point.Index;
        var at = j * d;
        if (point.OnGrid)
        {
            statistics.L.Slice(at, d).CopyTo(l);
            cumL.AsSpan(at, d).CopyTo(cumLAt);
            cumS.AsSpan(at, d).CopyTo(cumSAt);
            cumI.AsSpan(at, d).CopyTo(cumIAt);
            cumB.AsSpan(at, d).CopyTo(cumBAt);
            cumC.AsSpan(at, d).CopyTo(cumCAt);
            return;
        }

        // One more trapezoid piece from grid point j to lambda, with l, s, b interpolated linearly.
        var theta = point.Theta;
        var delta = point.Lambda - statistics.Lambda[j];
        var sl = statistics.L;
        var ss = statistics.S;
        var sb = statistics.B;
        for (var e = 0; e < d; e++)
        {
            var lj = sl[at + e];
            var sj = ss[at + e];
            var bj = sb[at + e];
            var lv = lj + (theta * (sl[at + d + e] - lj));
            var sv = sj + (theta * (ss[at + d + e] - sj));
            var bv = bj + (theta * (sb[at + d + e] - bj));
            var lc = cumL[at + e] + (0.5 * delta * (lj + lv));
            var sc = cumS[at + e] + (0.5 * delta * (sj + sv));
            var aj = cumL[at + e] + cumS[at + e];
            var a = lc + sc;
            var bc = cumB[at + e] + (0.5 * delta * ((Math.Exp(-cumS[at + e]) * bj) + (Math.Exp(-sc) * bv)));
            l[e] = lv;
            cumLAt[e] = lc;
            cumSAt[e] = sc;
            cumIAt[e] = cumI[at + e] + (0.5 * delta * (Math.Exp(aj) + Math.Exp(a)));
            cumBAt[e] = bc;
            cumCAt[e] = cumC[at + e] + (0.5 * delta * ((Math.Exp(aj) * cumB[at + e]) + (Math.Exp(a) * bc)));
        }
    }

    /// <summary>
    /// The high-order coefficients E_k = int_s^t e^((L+S)(lambda) - (L+S)(s)) (lambda - lambda_s)^k / k! d lambda,
    /// k = 1..<paramref name="maxK"/>, by the trapezoid rule over s, the grid points strictly between, and t (the
    /// authors' compute_exponential_coefficients_high_order, max-shifted over the slice). <paramref name="sumLsAtS"/>
    /// and <paramref name="sumLsAtT"/> are L + S at the two ends; <paramref name="coefficients"/> receives [maxK, D].
    /// </summary>
    public void HighOrderCoefficients(EmsGridPoint s, EmsGridPoint t, ReadOnlySpan<double> sumLsAtS, ReadOnlySpan<double> sumLsAtT, int maxK, Span<double> coefficients)
    {
        var d = statistics.SampleSize;
        var grid = statistics.Lambda;
        var first = s.Index + 1;
        var last = t.OnGrid ? t.Index - 1 : t.Index;
        var nodes = Math.Max(0, last - first + 1) + 2;
        Span<double> lambdas = nodes <= 512 ? stackalloc double[nodes] : new double[nodes];
        lambdas[0] = s.Lambda;
        for (var m = first; m <= last; m++)
        {
            lambdas[m - first + 1] = grid[m];
        }

        lambdas[^1] = t.Lambda;
        Span<double> powers = stackalloc double[maxK];
        Span<double> previousPowers = stackalloc double[maxK];
        Span<double> sums = stackalloc double[maxK];
        for (var e = 0; e < d; e++)
        {
            // a_m = (L+S)_m - (L+S)_s at each node; the trapezoid runs on w e^(a - max a), scaled back at the end.
            var max = 0.0;
            for (var m = 0; m < nodes; m++)
            {
                max = Math.Max(max, NodeA(m, e, sumLsAtS, sumLsAtT));
            }

            sums.Clear();
            var previousWeight = 0.0;
            for (var m = 0; m < nodes; m++)
            {
                var weight = Math.Exp(NodeA(m, e, sumLsAtS, sumLsAtT) - max);
                var dl = lambdas[m] - lambdas[0];
                var p = 1.0;
                for (var k = 1; k <= maxK; k++)
                {
                    p *= dl / k;
                    powers[k - 1] = p;
                }

                if (m > 0)
                {
                    var width = 0.5 * (lambdas[m] - lambdas[m - 1]);
                    for (var k = 0; k < maxK; k++)
                    {
                        sums[k] += width * ((powers[k] * weight) + (previousPowers[k] * previousWeight));
                    }
                }

                powers.CopyTo(previousPowers);
                previousWeight = weight;
            }

            var scale = Math.Exp(max);
            for (var k = 0; k < maxK; k++)
            {
                coefficients[(k * d) + e] = sums[k] * scale;
            }
        }

        double NodeA(int m, int e, ReadOnlySpan<double> atS, ReadOnlySpan<double> atT) =>
            m == 0 ? 0.0
            : m == nodes - 1 ? atT[e] - atS[e]
            : cumL[((first + m - 1) * d) + e] + cumS[((first + m - 1) * d) + e] - atS[e];
    }

    /// <summary>
    /// Cumulative trapezoid of w e^a over the grid per element (either may be null: w = 1, a = 0), computed on
    /// e^(a - max a) and scaled by e^(max a) (the authors' weighted_cumsumexp_trapezoid).
    /// </summary>
    private static double[] CumulativeTrapezoid(double[] lambda, double[]? w, double[]? a, int d)
    {
        var rows = lambda.Length;
        var result = new double[rows * d];
        for (var e = 0; e < d; e++)
        {
            var max = double.NegativeInfinity;
            if (a is not null)
            {
                for (var j = 0; j < rows; j++)
                {
                    max = Math.Max(max, a[(j * d) + e]);
                }
            }
            else
            {
                max = 0.0;
            }

            var sum = 0.0;
            var previous = Term(0, e);
            for (var j = 1; j < rows; j++)
            {
                var current = Term(j, e);
                sum += 0.5 * (lambda[j] - lambda[j - 1]) * (current + previous);
                result[(j * d) + e] = sum;
                previous = current;
            }

            if (a is not null)
            {
                var scale = Math.Exp(max);
                for (var j = 1; j < rows; j++)
                {
                    result[(j * d) + e] *= scale;
                }
            }

            double Term(int j, int element)
            {
                var value = w is null ? 1.0 : w[(j * d) + element];
                return a is null ? value : value * Math.Exp(a[(j * d) + element] - max);
            }
        }

        return result;
    }
}
