using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Models.Arrays;

namespace ScheduleSearch.Models.Gmm;

/// <summary>
/// Fits a diagonal Gaussian mixture to rows of data by expectation-maximisation (Dempster, Laird and Rubin 1977),
/// started from k-means++ seeds (Arthur and Vassilvitskii 2007). Deterministic for a given seed: rows are split over
/// threads, but every sum is formed in one fixed order.
/// </summary>
public static class GmmFitter
{
    /// <summary>Fits <paramref name="options"/>.Components components to the rows of <paramref name="data"/>.</summary>
    public static GmmFitResult Fit(NpyArray data, GmmFitOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        int k = options.Components, d = data.RowSize;
        var random = new Random(options.Seed);
        var rowIndex = Enumerable.Range(0, data.Rows).ToArray();
        if (options.MaxRows > 0 && options.MaxRows < data.Rows)
        {
            random.Shuffle(rowIndex);
            rowIndex = rowIndex[..options.MaxRows];
            Array.Sort(rowIndex);
        }

        var n = rowIndex.Length;
        if (n < k)
        {
            throw new ArgumentException($"cannot fit {k} components to {n} rows", nameof(options));
        }

        var x = new double[n * d];
        for (var i = 0; i < n; i++)
        {
            Array.Copy(data.Data, (long)rowIndex[i] * d, x, (long)i * d, d);
        }

        var means = SeedMeans(x, n, d, k, random);
        var globalVariance = new double[d];
        for (var j = 0; j < d; j++)
        {
            double sum = 0, sum2 = 0;
            for (var i = 0; i < n; i++)
            {
                var v = x[(i * d) + j];
                sum += v;
                sum2 += v * v;
            }

            globalVariance[j] = Math.Max(options.VarianceFloor, (sum2 / n) - ((sum / n) * (sum / n)));
        }

        var variances = Enumerable.Range(0, k).Select(_ => (double[])globalVariance.Clone()).ToArray();
        var weights = Enumerable.Repeat(1.0 / k, k).ToArray();
        var resp = new double[n * k];
        var rowLogLikelihood = new double[n];
        var previous = double.NegativeInfinity;
        var iterations = 0;
        var meanLogLikelihood = double.NegativeInfinity;
        for (var iteration = 0; iteration < options.MaxIterations; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            iterations = iteration + 1;
            EStep(x, n, d, weights, means, variances, resp, rowLogLikelihood);
            meanLogLikelihood = rowLogLikelihood.Sum() / n;
            MStep(x, n, d, resp, weights, means, variances, options.VarianceFloor);
            if (meanLogLikelihood - previous < options.Tolerance)
            {
                break;
            }

            previous = meanLogLikelihood;
        }

        return new GmmFitResult(new GaussianMixture(weights, means, variances), meanLogLikelihood, iterations, n);
    }

    // k-means++ seeding on squared Euclidean distance.
    private static double[][] SeedMeans(double[] x, int n, int d, int k, Random random)
    {
        var means = new double[k][];
        var distance = Enumerable.Repeat(double.PositiveInfinity, n).ToArray();
        var first = random.Next(n);
        means[0] = x.AsSpan(first * d, d).ToArray();
        for (var c = 1; c < k; c++)
        {
            var last = means[c - 1];
            Parallel.For(0, n, i =>
            {
                double s = 0;
                for (var j = 0; j < d; j++)
                {
                    var diff = x[(i * d) + j] - last[j];
                    s += diff * diff;
                }

                distance[i] = Math.Min(distance[i], s);
            });
            var target = random.NextDouble() * distance.Sum();
            var pick = 0;
            for (double acc = 0; pick < n - 1; pick++)
            {
                acc += distance[pick];
                if (acc >= target)
                {
                    break;
                }
            }

            means[c] = x.AsSpan(pick * d, d).ToArray();
        }

        return means;
    }

    private static void EStep(double[] x, int n, int d, double[] weights, double[][] means, double[][] variances, double[] resp, double[] rowLogLikelihood)
    {
        var k = weights.Length;
        var inverse = variances.Select(v => v.Select(a => 1.0 / a).ToArray()).ToArray();
        var constant = new double[k];
        for (var c = 0; c < k; c++)
        {
            constant[c] = Math.Log(weights[c]) - (0.5 * ((d * Math.Log(2 * Math.PI)) + variances[c].Sum(Math.Log)));
        }

        Parallel.For(0, n, i =>
        {
            var row = x.AsSpan(i * d, d);
            var r = resp.AsSpan(i * k, k);
            var max = double.NegativeInfinity;
            for (var c = 0; c < k; c++)
            {
                var mu = means[c];
                var inv = inverse[c];
                double q = 0;
                for (var j = 0; j < d; j++)
                {
                    var diff = row[j] - mu[j];
                    q += diff * diff * inv[j];
                }

                r[c] = constant[c] - (0.5 * q);
                max = Math.Max(max, r[c]);
            }

            double sum = 0;
            for (var c = 0; c < k; c++)
            {
                r[c] = Math.Exp(r[c] - max);
                sum += r[c];
            }

            for (var c = 0; c < k; c++)
            {
                r[c] /= sum;
            }

            rowLogLikelihood[i] = max + Math.Log(sum);
        });
    }

    private static void MStep(double[] x, int n, int d, double[] resp, double[] weights, double[][] means, double[][] variances, double floor)
    {
        var k = weights.Length;
        Parallel.For(0, k, c =>
        {
            double total = 0;
            var mu = new double[d];
            for (var i = 0; i < n; i++)
            {
                var r = resp[(i * k) + c];
                if (r < 1e-300)
                {
                    continue;
                }

                total += r;
                var row = x.AsSpan(i * d, d);
                for (var j = 0; j < d; j++)
                {
                    mu[j] += r * row[j];
                }
            }

            if (total < 1e-8)
            {
                // An empty component keeps its old parameters and a tiny weight rather than dividing by zero.
                weights[c] = 1e-8;
                return;
            }

            for (var j = 0; j < d; j++)
            {
                mu[j] /= total;
            }

            var variance = new double[d];
            for (var i = 0; i < n; i++)
            {
                var r = resp[(i * k) + c];
                if (r < 1e-300)
                {
                    continue;
                }

                var row = x.AsSpan(i * d, d);
                for (var j = 0; j < d; j++)
                {
                    var diff = row[j] - mu[j];
                    variance[j] += r * diff * diff;
                }
            }

            for (var j = 0; j < d; j++)
            {
                variance[j] = Math.Max(floor, variance[j] / total);
            }

            weights[c] = total / n;
            means[c] = mu;
            variances[c] = variance;
        });
        var sum = weights.Sum();
        for (var c = 0; c < k; c++)
        {
            weights[c] /= sum;
        }
    }
}
