namespace ScheduleSearch.Search.Specs;

/// <summary>A spec's "budget" block; the search stops at whichever limit comes first.</summary>
public sealed record BudgetSpec
{
    /// <summary>Evaluations in the search's history (baselines included, counted from the store, so across resumes).</summary>
    public int Evaluations { get; init; } = 1000;

    /// <summary>Wall-clock hours of this process (null = no limit). Not deterministic: a run cut by time differs from one cut by evaluations.</summary>
    public double? Hours { get; init; }

    /// <summary>Stop after this many generations in a row without a new best at any NFE (null = never).</summary>
    public int? StallGenerations { get; init; }
}
