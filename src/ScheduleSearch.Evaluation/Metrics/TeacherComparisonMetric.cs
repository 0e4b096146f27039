namespace ScheduleSearch.Evaluation.Metrics;

/// <summary>
/// A metric that compares each sample with the teacher's sample on the same noise, value by value (teacher-rmse,
/// teacher-mean-rmse, teacher-relative): it needs the teacher and nothing else, and scores any number of samples.
/// </summary>
public abstract class TeacherComparisonMetric : IQualityMetric
{
    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public bool NeedsTeacher => true;

    /// <inheritdoc />
    public bool NeedsMixture => false;

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
        return Compare(samples, inputs.Teacher.Span, count, inputs.SampleSize);
    }

    /// <summary>The score of <paramref name="count"/> samples of <paramref name="size"/> values against the teacher's, both row-major.</summary>
    protected abstract double Compare(ReadOnlySpan<double> samples, ReadOnlySpan<double> teacher, int count, int size);
}
