using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Search.Tests.Generators;

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
        Status = EvaluationStatus.Ok,
    };
}
