using ScheduleSearch.Evaluation;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Search.Running;

/// <summary>The end of a <see cref="SearchRun"/>: status, budget used, per-NFE outcome and the NFE-vs-score Pareto front.</summary>
public sealed record SearchResult
{
    /// <summary>The search's name.</summary>
    public required string SearchName { get; init; }

    /// <summary>Finished, or interrupted (cancelled; resuming continues it).</summary>
    public required SearchStatus Status { get; init; }

    /// <summary>Why it stopped: "evaluations", "hours", "stalled", "generations", "exhausted" or "cancelled".</summary>
    public required string StopReason { get; init; }

    /// <summary>Evaluations in the search's history.</summary>
    public required int Evaluations { get; init; }

    /// <summary>Generations run (over the whole search, resumed parts included).</summary>
    public required int Generations { get; init; }

    /// <summary>Evaluations on racing sets (charged to the budget beside <see cref="Evaluations"/>; 0 without racing).</summary>
    public int RacingEvaluations { get; init; }

    /// <summary>Outcome per target NFE, ascending.</summary>
    public required IReadOnlyList<NfeOutcome> PerNfe { get; init; }

    /// <summary>The per-NFE bests not dominated by a cheaper-or-equal schedule with a lower score, ascending NFE.</summary>
    public required IReadOnlyList<ScoredSchedule> ParetoFront { get; init; }

    /// <summary>The model time per call per variant the search used (null when it measured none).</summary>
    public Evaluation.Cost.ModelCallTimes? CallTimes { get; init; }

    /// <summary>
    /// Every schedule scored in this run that no cheaper-or-equal one beats on score, ascending measured model time per
    /// sample (empty without <see cref="CallTimes"/>); over-budget schedules included, so the front shows what more time buys.
    /// </summary>
    public IReadOnlyList<TimedSchedule> TimeFront { get; init; } = [];
}
