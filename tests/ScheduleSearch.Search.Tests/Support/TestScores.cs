using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Search.Tests.Support;

/// <summary>Scored schedules with made-up scores, for telling generators without an evaluator.</summary>
internal static class TestScores
{
    public static ScoredSchedule Scored(SamplerSchedule s, double score) => new()
    {
        Schedule = s,
        Key = ScheduleKey.Compute(s),
        ScheduleKey = ScheduleKey.Compute(s),
        Nfe = s.Nfe,
        Score = score,
        Fidelity = 1,
        Status = double.IsFinite(score) ? EvaluationStatus.Ok : EvaluationStatus.Diverged,
    };

    /// <summary>
    /// A smooth stand-in for a real score that depends on the schedule alone (so two runs told these scores are told
    /// the same): distance of the grid from a straight line in t, plus a cost per order above 2.
    /// </summary>
    public static double Smooth(SamplerSchedule s) =>
        0.01 + s.Timesteps.Select((t, i) => Math.Abs(t - (1 - (i / (double)(s.Timesteps.Length - 1))))).Sum() + (0.05 * s.Steps.Count(st => st.Order > 2));
}
