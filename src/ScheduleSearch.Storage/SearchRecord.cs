namespace ScheduleSearch.Storage;

/// <summary>
/// A snapshot of one search as read from a store. <see cref="Status"/> and the counts are derived at read time,
/// so two reads may differ; the snapshot itself never changes and holds no reference to the store.
/// </summary>
public sealed record SearchRecord
{
    /// <summary>The search's unique name (its id).</summary>
    public required string Name { get; init; }

    /// <summary>The search spec as JSON, stored when the search began.</summary>
    public required string SpecJson { get; init; }

    /// <summary>
    /// What the search's evaluation keys are computed from (model hash, canonical metric, noise sets: the evaluation
    /// identity as JSON), written when it was last begun, so readers find its held-out scores without re-deriving the
    /// keys; null for searches begun before this was recorded.
    /// </summary>
    public string? KeyContextJson { get; init; }

    /// <summary>
    /// The effective status: a search stored as running whose owner no longer holds the database, or whose
    /// heartbeat is older than the store's timeout, reads as <see cref="SearchStatus.Interrupted"/>.
    /// </summary>
    public required SearchStatus Status { get; init; }

    /// <summary>When the search was first begun.</summary>
    public required DateTimeOffset Created { get; init; }

    /// <summary>When it was last begun, resumed or ended.</summary>
    public required DateTimeOffset Updated { get; init; }

    /// <summary>The last heartbeat of its owner.</summary>
    public required DateTimeOffset Heartbeat { get; init; }

    /// <summary>The process that last began or resumed it.</summary>
    public required ProcessIdentity Owner { get; init; }

    /// <summary>Evaluations in its history, computed or taken from the cache: the budget used.</summary>
    public required int Evaluations { get; init; }

    /// <summary>How many of <see cref="Evaluations"/> came from the cache (computed earlier, possibly by another search).</summary>
    public required int CacheHits { get; init; }

    /// <summary>How many of <see cref="Evaluations"/> have status diverged or failed.</summary>
    public required int Diverged { get; init; }
}
