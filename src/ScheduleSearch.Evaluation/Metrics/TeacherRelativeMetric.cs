namespace ScheduleSearch.Evaluation.Metrics;

/// <summary>
/// teacher-relative: the relative L2 error against the teacher, ||x - x_teacher|| / ||x_teacher|| per sample,
/// averaged over samples (scale-free, for comparing models of different data ranges).
/// </summary>
public sealed class TeacherRelativeMetric : TeacherComparisonMetric
{
    /// <inheritdoc />
    public override string Name => "teacher-relative";

    /// <inheritdoc />
    protected override double Compare(ReadOnlySpan<double> samples, ReadOnlySpan<double> teacher, int count, int size)
    {
        var sum = 0.0;
        for (var i = 0; i < count; i++)
        {
            var x = samples.Slice(i * size, size);
            var r = teacher.Slice(i * size, size);
            double error = 0.0, norm = 0.0;
            for (var d = 0; d < size; d++)
            {
                var diff = x[d] - r[d];
                error += diff * diff;
                norm += r[d] * r[d];
            }

            // A zero teacher sample would divide by zero; fall back to the absolute error there.
            sum += norm > 0.0 ? Math.Sqrt(error / norm) : Math.Sqrt(error);
        }

        return sum / count;
    }
}
