namespace ScheduleSearch.Evaluation.Metrics;

/// <summary>
/// Scores a batch of final samples (lower is better). Implementations are stateless apart from caches of
/// reference statistics and may be called from several threads at once.
/// </summary>
public interface IQualityMetric
{
    /// <summary>The metric's name as written in a search spec, e.g. "teacher-rmse".</summary>
    string Name { get; }

    /// <summary>True when the score compares with the teacher's samples on the same noise (<see cref="MetricInputs.Teacher"/>).</summary>
    bool NeedsTeacher { get; }

    /// <summary>True when the score needs the true mixture (<see cref="MetricInputs.Mixture"/>).</summary>
    bool NeedsMixture { get; }

    /// <summary>Scores <paramref name="count"/> samples (row-major, count x <see cref="MetricInputs.SampleSize"/>); all values are finite.</summary>
    double Score(ReadOnlySpan<double> samples, int count, MetricInputs inputs, CancellationToken cancellationToken = default);
}
