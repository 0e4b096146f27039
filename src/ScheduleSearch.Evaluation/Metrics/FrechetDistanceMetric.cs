using MathNet.Numerics.LinearAlgebra;

namespace ScheduleSearch.Evaluation.Metrics;

/// <summary>
/// fd: the Frechet distance between Gaussian fits of the features of the samples and of the reference set, the
/// teacher's samples on the same noise (FID's construction with <see cref="MetricInputs.Features"/> in place of
/// Inception features).
/// </summary>
public sealed class FrechetDistanceMetric : IQualityMetric
{
    private readonly ReferenceCache<Reference> references = new();

    /// <inheritdoc />
    public string Name => "fd";

    /// <inheritdoc />
    public bool NeedsTeacher => true;

    /// <inheritdoc />
    public bool NeedsMixture => false;

    /// <inheritdoc />
    public double Score(ReadOnlySpan<double> samples, int count, MetricInputs inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var features = inputs.Features;
        var size = features.FeatureSize(inputs.SampleSize);
        var reference = references.GetOrAdd(inputs.Teacher, count, () =>
        {
            var teacherFeatures = new double[count * size];
            features.Extract(inputs.Teacher.Span, count, inputs.SampleSize, teacherFeatures, cancellationToken);
            var fit = GaussianFit.Of(teacherFeatures, count, size);
            return new Reference(fit, GaussianFit.SymmetricSqrt(fit.Covariance));
        });
        var own = new double[count * size];
        features.Extract(samples, count, inputs.SampleSize, own, cancellationToken);
        return GaussianFit.FrechetDistance(reference.Fit, reference.Sqrt, GaussianFit.Of(own, count, size));
    }

    private sealed record Reference(GaussianFit Fit, Matrix<double> Sqrt);
}
