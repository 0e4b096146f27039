namespace ScheduleSearch.Evaluation.Metrics;

/// <summary>
/// teacher-rmse: the root mean squared error of each sample against the teacher's sample on the same noise,
/// averaged over samples (SEARCH-NOTES.md's score).
/// </summary>
public sealed class TeacherRmseMetric : IQualityMetric
{
    /// <inheritdoc />
    public string Name => "teacher-rmse";

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
        var size = inputs.SampleSize;
        var teacher = inputs.Teacher.Span;
        var sum = 0.0;
        for (var i = 0; i < count; i++)
        {
            sum += SampleErrors.Rmse(samples.Slice(i * size, size), teacher.Slice(i * size, size));
        }

        return sum / count;
    }
}
