using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Evaluation;

/// <summary>An immutable scored candidate (Optuna's finished trial): no reference back to the search.</summary>
public sealed record ScoredSchedule
{
    /// <summary>The schedule scored.</summary>
    public required SamplerSchedule Schedule { get; init; }

    /// <summary>The evaluation's cache key (model, metric, noise and schedule).</summary>
    public required string Key { get; init; }

    /// <summary>The schedule's own key (<see cref="Core.Schedules.ScheduleKey"/>).</summary>
    public required string ScheduleKey { get; init; }

    /// <summary>Model evaluations the schedule costs.</summary>
    public required int Nfe { get; init; }

    /// <summary>The score, lower is better; +infinity when diverged or failed.</summary>
    public required double Score { get; init; }

    /// <summary>Number of samples scored.</summary>
    public required int Fidelity { get; init; }

    /// <summary>How the evaluation ended.</summary>
    public required EvaluationStatus Status { get; init; }

    /// <summary>True when the score came from the cache (no model call was made).</summary>
    public bool CacheHit { get; init; }

    /// <summary>Wall time of the evaluation (of the original one for cache hits).</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Robust summaries as a JSON object (median per-sample error, flip rate, ...), or null.</summary>
    public string? DetailsJson { get; init; }

    /// <summary>The stored evaluation <paramref name="record"/> of <paramref name="schedule"/>, as scored now.</summary>
    public static ScoredSchedule From(EvaluationRecord record, SamplerSchedule schedule, bool cacheHit)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(schedule);
        return new ScoredSchedule
        {
            Schedule = schedule,
            Key = record.Key,
            ScheduleKey = record.ScheduleKey,
            Nfe = record.Nfe,
            Score = record.Score,
            Fidelity = record.Fidelity,
            Status = record.Status,
            CacheHit = cacheHit,
            Duration = record.Duration,
            DetailsJson = record.DetailsJson,
        };
    }
}
