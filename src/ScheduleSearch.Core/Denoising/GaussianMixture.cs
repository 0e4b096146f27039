namespace ScheduleSearch.Core.Denoising;

/// <summary>
/// A diagonal Gaussian mixture sum_k w_k N(mu_k, diag(v_k)) (FORMATS.md's GMM parameters). Its posterior-mean
/// denoiser is closed-form, which makes it the exact test model of the whole project.
/// </summary>
public sealed record GaussianMixture
{
    /// <summary>Creates and checks a mixture.</summary>
    public GaussianMixture(double[] weights, double[][] means, double[][] variances)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(means);
        ArgumentNullException.ThrowIfNull(variances);
        if (weights.Length == 0)
        {
            throw new ArgumentException("a mixture needs at least one component (weights is empty)", nameof(weights));
        }

        if (means.Length != weights.Length || variances.Length != weights.Length)
        {
            throw new ArgumentException(
                $"weights has {weights.Length} components but means has {means.Length} and variances {variances.Length}");
        }

        Dimension = means[0].Length;
        for (var k = 0; k < weights.Length; k++)
        {
            if (!(weights[k] > 0) || double.IsInfinity(weights[k]))
            {
                throw new ArgumentException($"weights[{k}] = {weights[k]} must be positive and finite", nameof(weights));
            }

            if (means[k].Length != Dimension || variances[k].Length != Dimension)
            {
                throw new ArgumentException($"component {k} has {means[k].Length} means and {variances[k].Length} variances; expected {Dimension}");
            }

            for (var d = 0; d < Dimension; d++)
            {
                if (!(variances[k][d] > 0) || double.IsInfinity(variances[k][d]) || !double.IsFinite(means[k][d]))
                {
                    throw new ArgumentException($"variances[{k}][{d}] = {variances[k][d]} must be positive and finite, means[{k}][{d}] = {means[k][d]} finite");
                }
            }
        }

        var total = weights.Sum();
        Weights = weights.Select(w => w / total).ToArray();
        Means = means.Select(m => (double[])m.Clone()).ToArray();
        Variances = variances.Select(v => (double[])v.Clone()).ToArray();
    }

    /// <summary>Mixture weights, normalised to sum to one.</summary>
    public IReadOnlyList<double> Weights { get; }

    /// <summary>Component means [K][D].</summary>
    public IReadOnlyList<double[]> Means { get; }

    /// <summary>Component variances [K][D] (diagonal covariances).</summary>
    public IReadOnlyList<double[]> Variances { get; }

    /// <summary>D, the data dimension.</summary>
    public int Dimension { get; }

    /// <summary>K, the number of components.</summary>
    public int Components => Weights.Count;
}
