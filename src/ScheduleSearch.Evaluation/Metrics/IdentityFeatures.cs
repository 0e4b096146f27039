namespace ScheduleSearch.Evaluation.Metrics;

/// <summary>The samples themselves as features (right for low-dimensional models such as the GMMs).</summary>
public sealed class IdentityFeatures : IFeatureExtractor
{
    /// <summary>The one instance.</summary>
    public static readonly IdentityFeatures Instance = new();

    private IdentityFeatures()
    {
    }

    /// <inheritdoc />
    public string Name => "identity";

    /// <inheritdoc />
    public int FeatureSize(int sampleSize) => sampleSize;

    /// <inheritdoc />
    public void Extract(ReadOnlySpan<double> samples, int count, int sampleSize, Span<double> features, CancellationToken cancellationToken = default) =>
        samples[..(count * sampleSize)].CopyTo(features);
}
