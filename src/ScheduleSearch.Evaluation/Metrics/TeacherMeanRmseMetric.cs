namespace ScheduleSearch.Evaluation.Metrics;

/// <summary>
/// teacher-mean-rmse: the mean over samples of each sample's RMSE against the teacher's sample on the same noise,
/// mean_i sqrt(mean_d (x_id - teacher_id)^2). A sample in another mode than the teacher's counts linearly, so this is
/// the more robust of the two teacher metrics; it is not an RMSE (that is <see cref="TeacherRmseMetric"/>). Before
/// issue 20 it was called teacher-rmse, and its scores are still keyed under that name (<see cref="MetricCatalog.KeyKind"/>).
/// </summary>
public sealed class TeacherMeanRmseMetric : TeacherComparisonMetric
{
    /// <inheritdoc />
    public override string Name => "teacher-mean-rmse";

    /// <inheritdoc />
    protected override double Compare(ReadOnlySpan<double> samples, ReadOnlySpan<double> teacher, int count, int size)
    {
        var sum = 0.0;
        for (var i = 0; i < count; i++)
        {
            sum += SampleErrors.Rmse(samples.Slice(i * size, size), teacher.Slice(i * size, size));
        }

        return sum / count;
    }
}
