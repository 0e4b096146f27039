namespace ScheduleSearch.Evaluation.Metrics;

/// <summary>
/// Maps samples to the feature vectors that fd and kid compare. The seam for a feature network named in a model
/// card (an ONNX embedding); the cards have no such field yet, so <see cref="IdentityFeatures"/> is the default.
/// </summary>
public interface IFeatureExtractor
{
    /// <summary>A stable name, part of the metric's cache key (e.g. "identity" or a feature model's content hash).</summary>
    string Name { get; }

    /// <summary>Values per feature vector for samples of <paramref name="sampleSize"/> values.</summary>
    int FeatureSize(int sampleSize);

    /// <summary>Writes the features of <paramref name="count"/> samples, row-major, into <paramref name="features"/>.</summary>
    void Extract(ReadOnlySpan<double> samples, int count, int sampleSize, Span<double> features, CancellationToken cancellationToken = default);
}
