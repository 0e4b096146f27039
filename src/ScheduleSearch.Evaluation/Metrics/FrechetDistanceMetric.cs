using MathNet.Numerics.LinearAlgebra;

namespace ScheduleSearch.Evaluation.Metrics;

/// <summary>
/// fd: the Frechet distance between Gaussian fits of the features of the samples and of the reference set, the
/// teacher's samples on the same noise, or fixed data-set statistics where <see cref="MetricInputs.ReferenceStatistics"/>
/// is given (FID's construction with <see cref="MetricInputs.Features"/> in place of Inception features).
/// </summary>
public sealed class FrechetDistanceMetric : IQualityMetric
{
    private readonly ReferenceCache<Reference> references = new();
    private readonly Lock gate = new();
    private (FeatureStatistics Statistics, Reference Reference)? fixedReference;

    /// <summary>
    /// The most features per sample fd takes: two covariances of features x features float64 values and a matrix
    /// square root of their product (4096 features: 128 MiB each, seconds per score). Beyond it a feature network
    /// that maps images to fewer features is needed (raw SD-sized images would need terabytes).
    /// </summary>
    public const int MaxFeatures = 4096;

    /// <inheritdoc />
    public string Name => "fd";

    /// <inheritdoc />
    public bool NeedsTeacher => true;

    /// <inheritdoc />
    public bool NeedsMixture => false;

    /// <inheritdoc />
    public bool UsesFeatures => true;

    /// <inheritdoc />
    public bool UsesReferenceStatistics => true;

    /// <inheritdoc />
    public int MinimumSamples => 2;

    /// <inheritdoc />
    public double Score(ReadOnlySpan<double> samples, int count, MetricInputs inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var features = inputs.Features;
        var size = features.FeatureSize(inputs.SampleSize);
        var reference = inputs.ReferenceStatistics is { } statistics ? Fixed(statistics) : references.GetOrAdd(inputs.Teacher, count, () =>
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

    private Reference Fixed(FeatureStatistics statistics)
    {
        lock (gate)
        {
            if (fixedReference is not { } f || !ReferenceEquals(f.Statistics, statistics))
            {
                fixedReference = f = (statistics, new Reference(statistics.Fit, GaussianFit.SymmetricSqrt(statistics.Fit.Covariance)));
            }

            return f.Reference;
        }
    }

    private sealed record Reference(GaussianFit Fit, Matrix<double> Sqrt);
}
