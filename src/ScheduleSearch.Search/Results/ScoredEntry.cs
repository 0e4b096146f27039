using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Search.Results;

/// <summary>One evaluated schedule of a search as a report shows it: the record, its schedule and its held-out score.</summary>
public sealed record ScoredEntry
{
    /// <summary>The stored evaluation (scoring set).</summary>
    public required EvaluationRecord Record { get; init; }

    /// <summary>The schedule, parsed from the record.</summary>
    public required SamplerSchedule Schedule { get; init; }

    /// <summary>The score on the held-out noise set, where the search computed one.</summary>
    public double? HeldOut { get; init; }

    /// <summary>
    /// The standard error of <see cref="HeldOut"/> from its per-sample errors (teacher-rmse and teacher-mean-rmse,
    /// <see cref="Evaluation.Metrics.RobustSummary.StandardErrorOf"/>), or null.
    /// </summary>
    public double? HeldOutStandardError { get; init; }

    /// <summary>
    /// A racing search's winner: its score on the validation set, where the run chose it among its incumbents and the
    /// best baseline (null otherwise).
    /// </summary>
    public double? Validation { get; init; }

    /// <summary>True for the baselines (classic presets) the search scored first.</summary>
    public bool IsBaseline => Record.Generation == 0;
}
