using ScheduleSearch.Core.Denoising;

namespace ScheduleSearch.Evaluation.Metrics;

/// <summary>What a metric may compare the samples with.</summary>
public sealed record MetricInputs
{
    /// <summary>Values per sample.</summary>
    public required int SampleSize { get; init; }

    /// <summary>
    /// The teacher's samples on the same noise, row-major, at least as many rows as the samples scored (row i
    /// belongs to sample i); empty when the metric does not need them.
    /// </summary>
    public ReadOnlyMemory<double> Teacher { get; init; }

    /// <summary>The true mixture of a GMM model (gmm-nll, flip rates), else null.</summary>
    public GaussianMixture? Mixture { get; init; }

    /// <summary>Fixed reference statistics for fd (data-set features) in place of the teacher's samples, else null.</summary>
    public FeatureStatistics? ReferenceStatistics { get; init; }

    /// <summary>The features fd and kid compare (default: the samples themselves).</summary>
    public IFeatureExtractor Features { get; init; } = IdentityFeatures.Instance;
}
