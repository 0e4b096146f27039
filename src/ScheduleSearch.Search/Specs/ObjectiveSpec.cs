namespace ScheduleSearch.Search.Specs;

/// <summary>
/// A spec's "objective" block (issue 9): what "best" means. <c>score</c> (the default) minimises the score at each
/// target NFE. <c>time-budget</c> minimises the score among candidates whose measured model time per sample
/// (ScheduleSearch.Evaluation.Cost.ModelCallTimes, measured per model variant on the current device and kept with
/// the search) is within <see cref="TimePerSampleMs"/>; candidates over it are scored but never become best, and
/// the search reports the front of time versus score.
/// </summary>
public sealed record ObjectiveSpec
{
    /// <summary>Plain score minimisation.</summary>
    public const string ScoreKind = "score";

    /// <summary>Score minimisation under a time budget per sample.</summary>
    public const string TimeBudgetKind = "time-budget";

    /// <summary>The default objective: the score alone.</summary>
    public static readonly ObjectiveSpec Score = new();

    /// <summary><see cref="ScoreKind"/> or <see cref="TimeBudgetKind"/>.</summary>
    public string Kind { get; init; } = ScoreKind;

    /// <summary>The budget of model time per sample in milliseconds (time-budget only).</summary>
    public double? TimePerSampleMs { get; init; }

    /// <summary>True for a time budget.</summary>
    public bool IsTimeBudget => Kind == TimeBudgetKind;

    /// <summary>True when a schedule costing <paramref name="milliseconds"/> per sample is within the budget (always under score).</summary>
    public bool Allows(double milliseconds) => !IsTimeBudget || milliseconds <= TimePerSampleMs;
}
