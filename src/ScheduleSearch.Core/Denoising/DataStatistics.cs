namespace ScheduleSearch.Core.Denoising;

/// <summary>
/// Mean and covariance of the data distribution (a model card's statistics, or a mixture's exact moments). Used by
/// the Gaussian teleport, USF's mean-x0 first step and TS-DPM's variance matching.
/// </summary>
public sealed record DataStatistics
{
    /// <summary>Creates statistics; <paramref name="covariance"/> is D x D row-major or null for a diagonal fit.</summary>
    public DataStatistics(double[] mean, double[] variance, double[]? covariance = null)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(variance);
        if (variance.Length != mean.Length)
        {
            throw new ArgumentException($"variance has {variance.Length} entries for a mean of {mean.Length}", nameof(variance));
        }

        if (covariance is not null && covariance.Length != mean.Length * mean.Length)
        {
            throw new ArgumentException($"covariance has {covariance.Length} entries; expected {mean.Length} x {mean.Length}", nameof(covariance));
        }

        Mean = mean;
        Variance = variance;
        Covariance = covariance;
    }

    /// <summary>Per-coordinate mean (length D).</summary>
    public IReadOnlyList<double> Mean { get; }

    /// <summary>Per-coordinate variance, the covariance's diagonal (length D).</summary>
    public IReadOnlyList<double> Variance { get; }

    /// <summary>Full covariance (D x D, row-major) or null when only the diagonal is known.</summary>
    public IReadOnlyList<double>? Covariance { get; }

    /// <summary>The mean per-coordinate variance (TS-DPM's data variance).</summary>
    public double AverageVariance => Variance.Average();

    /// <summary>The exact moments of a mixture: mean sum_k w_k mu_k, covariance sum_k w_k (V_k + mu_k mu_k^T) - mean mean^T.</summary>
    public static DataStatistics Of(GaussianMixture mixture)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        var d = mixture.Dimension;
        var mean = new double[d];
        var cov = new double[d * d];
        for (var k = 0; k < mixture.Components; k++)
        {
            var w = mixture.Weights[k];
            var mu = mixture.Means[k];
            for (var a = 0; a < d; a++)
            {
                mean[a] += w * mu[a];
                cov[(a * d) + a] += w * mixture.Variances[k][a];
                for (var b = 0; b < d; b++)
                {
                    cov[(a * d) + b] += w * mu[a] * mu[b];
                }
            }
        }

        var variance = new double[d];
        for (var a = 0; a < d; a++)
        {
            for (var b = 0; b < d; b++)
            {
                cov[(a * d) + b] -= mean[a] * mean[b];
            }

            variance[a] = cov[(a * d) + a];
        }

        return new DataStatistics(mean, variance, cov);
    }
}
