namespace ScheduleSearch.Search.Results;

/// <summary>One NFE of a search: the best found, the best baseline, the top schedules and the history of the best score.</summary>
public sealed record NfeSummary
{
    /// <summary>The NFE.</summary>
    public required int Nfe { get; init; }

    /// <summary>The best schedule at this NFE (searched or baseline), by scoring-set score.</summary>
    public ScoredEntry? Best { get; init; }

    /// <summary>The best baseline at this NFE.</summary>
    public ScoredEntry? BestBaseline { get; init; }

    /// <summary>The best schedules, best first.</summary>
    public required IReadOnlyList<ScoredEntry> Top { get; init; }

    /// <summary>Every evaluation at this NFE, in the order the search made them.</summary>
    public required IReadOnlyList<ScoredEntry> History { get; init; }

    /// <summary>Every baseline at this NFE, best first.</summary>
    public required IReadOnlyList<ScoredEntry> Baselines { get; init; }
}
