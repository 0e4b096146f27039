namespace ScheduleSearch.Evaluation.Metrics;

/// <summary>gmm-nll: the mean negative log-likelihood of the samples under the model's true mixture (GMM models only).</summary>
public sealed class GmmNllMetric : IQualityMetric
{
    /// <inheritdoc />
    public string Name => "gmm-nll";

    /// <inheritdoc />
    public bool NeedsTeacher => false;

    /// <inheritdoc />
    public bool NeedsMixture => true;

    /// <inheritdoc />
    public bool UsesFeatures => false;

    /// <inheritdoc />
    public bool UsesReferenceStatistics => false;

    /// <inheritdoc />
    public int MinimumSamples => 1;

    /// <inheritdoc />
    public double Score(ReadOnlySpan<double> samples, int count, MetricInputs inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var mixture = inputs.Mixture ?? throw new ArgumentException("gmm-nll needs the model's Gaussian mixture", nameof(inputs));
        var likelihood = new MixtureLikelihood(mixture);
        var size = inputs.SampleSize;
        var sum = 0.0;
        for (var i = 0; i < count; i++)
        {
            sum -= likelihood.LogLikelihood(samples.Slice(i * size, size), out _);
        }

        return sum / count;
    }
}
