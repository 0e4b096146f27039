namespace ScheduleSearch.Evaluation.Metrics;

/// <summary>Per-sample error helpers shared by the teacher metrics and the robust summaries.</summary>
public static class SampleErrors
{
    /// <summary>sqrt(mean_d (x_d - r_d)^2) of one sample.</summary>
    public static double Rmse(ReadOnlySpan<double> x, ReadOnlySpan<double> reference)
    {
        var sum = 0.0;
        for (var d = 0; d < x.Length; d++)
        {
            var diff = x[d] - reference[d];
            sum += diff * diff;
        }

        return Math.Sqrt(sum / x.Length);
    }
}
