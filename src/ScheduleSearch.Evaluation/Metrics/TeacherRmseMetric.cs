namespace ScheduleSearch.Evaluation.Metrics;

/// <summary>
/// teacher-rmse: the root mean squared error against the teacher's samples on the same noise, over every sample and
/// value, sqrt(mean_{i,d} (x_id - teacher_id)^2), the figure NumPy's <c>np.sqrt(np.mean((x - teacher) ** 2))</c> gives.
/// A sample that ends in another mode than the teacher's counts quadratically; the mean over samples of each sample's
/// RMSE, which counts it linearly, is <see cref="TeacherMeanRmseMetric"/>.
/// </summary>
public sealed class TeacherRmseMetric : TeacherComparisonMetric
{
    /// <inheritdoc />
    public override string Name => "teacher-rmse";

    /// <inheritdoc />
    protected override double Compare(ReadOnlySpan<double> samples, ReadOnlySpan<double> teacher, int count, int size)
    {
        var values = count * size;
        var sum = 0.0;
        for (var v = 0; v < values; v++)
        {
            var diff = samples[v] - teacher[v];
            sum += diff * diff;
        }

        return Math.Sqrt(sum / values);
    }
}
