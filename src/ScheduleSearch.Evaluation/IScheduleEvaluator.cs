using ScheduleSearch.Core.Schedules;

namespace ScheduleSearch.Evaluation;

/// <summary>
/// Scores candidate schedules the same way every time (fixed noise, fixed reference). Implementations consult
/// the score cache first, evaluate only the misses, store them, and never throw for a divergent candidate
/// (NaN or infinite samples give <see cref="ScheduleSearch.Storage.EvaluationStatus.Diverged"/> with score +infinity).
/// Results come back in the order of the candidates.
/// </summary>
public interface IScheduleEvaluator
{
    /// <summary>The metric's name, e.g. "teacher-rmse" (lower is better).</summary>
    string Metric { get; }

    /// <summary>Scores <paramref name="candidates"/> under <paramref name="request"/>.</summary>
    IReadOnlyList<ScoredSchedule> Evaluate(IReadOnlyList<SamplerSchedule> candidates, EvaluationRequest request, CancellationToken cancellationToken = default);
}
