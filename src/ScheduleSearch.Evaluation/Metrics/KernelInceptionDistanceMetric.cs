using System.Numerics.Tensors;

namespace ScheduleSearch.Evaluation.Metrics;

/// <summary>
/// kid: the unbiased estimate of the squared maximum mean discrepancy between the features of the samples and of
/// the reference set (the teacher's samples), with the polynomial kernel k(x, y) = (x.y / d + 1)^3
/// (Binkowski et al. 2018, "Demystifying MMD GANs", eq. 3 and section 4).
/// </summary>
public sealed class KernelInceptionDistanceMetric : IQualityMetric
{
    private readonly ReferenceCache<StrongBox> references = new();

    /// <inheritdoc />
    public string Name => "kid";

    /// <inheritdoc />
    public bool NeedsTeacher => true;

    /// <inheritdoc />
    public bool NeedsMixture => false;

    /// <inheritdoc />
    public bool UsesFeatures => true;

    /// <inheritdoc />
    public bool UsesReferenceStatistics => false;

    /// <inheritdoc />
    public int MinimumSamples => 2;

    /// <summary>The unbiased MMD^2 between two row-major feature sets of <paramref name="size"/> values per row.</summary>
    public static double Mmd2(ReadOnlySpan<double> x, int m, ReadOnlySpan<double> y, int n, int size) =>
        WithinMean(x, m, size) + WithinMean(y, n, size) - (2.0 * CrossMean(x, m, y, n, size));

    /// <inheritdoc />
    public double Score(ReadOnlySpan<double> samples, int count, MetricInputs inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (count < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "kid needs at least two samples");
        }

        var features = inputs.Features;
        var size = features.FeatureSize(inputs.SampleSize);
        var reference = references.GetOrAdd(inputs.Teacher, count, () =>
        {
            var f = new double[count * size];
            features.Extract(inputs.Teacher.Span, count, inputs.SampleSize, f, cancellationToken);
            return new StrongBox(f, WithinMean(f, count, size));
        });
        var own = new double[count * size];
        features.Extract(samples, count, inputs.SampleSize, own, cancellationToken);
        return WithinMean(own, count, size) + reference.Within - (2.0 * CrossMean(own, count, reference.Features, count, size));
    }

    private static double Kernel(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int size)
    {
        var k = (TensorPrimitives.Dot(a, b) / size) + 1.0;
        return k * k * k;
    }

    /// <summary>Mean of k(x_i, x_j) over i != j.</summary>
    private static double WithinMean(ReadOnlySpan<double> x, int m, int size)
    {
        var sum = 0.0;
        for (var i = 0; i < m; i++)
        {
            var xi = x.Slice(i * size, size);
            for (var j = i + 1; j < m; j++)
            {
                sum += Kernel(xi, x.Slice(j * size, size), size);
            }
        }

        return 2.0 * sum / ((double)m * (m - 1));
    }

    /// <summary>Mean of k(x_i, y_j) over all pairs.</summary>
    private static double CrossMean(ReadOnlySpan<double> x, int m, ReadOnlySpan<double> y, int n, int size)
    {
        var sum = 0.0;
        for (var i = 0; i < m; i++)
        {
            var xi = x.Slice(i * size, size);
            for (var j = 0; j < n; j++)
            {
                sum += Kernel(xi, y.Slice(j * size, size), size);
            }
        }

        return sum / ((double)m * n);
    }

    private sealed record StrongBox(double[] Features, double Within);
}
