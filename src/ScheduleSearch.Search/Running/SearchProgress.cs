namespace ScheduleSearch.Search.Running;

/// <summary>A snapshot sent with <see cref="SearchRun.Progress"/> after every evaluated batch.</summary>
public sealed record SearchProgress
{
    /// <summary>"baselines", "search" or "held-out".</summary>
    public required string Phase { get; init; }

    /// <summary>The generation (0 for baselines).</summary>
    public required int Generation { get; init; }

    /// <summary>Evaluations in the search's history (the budget used).</summary>
    public required int Evaluations { get; init; }

    /// <summary>The evaluation budget.</summary>
    public required int Budget { get; init; }

    /// <summary>The NFE of the batch just evaluated (null for mixed batches).</summary>
    public int? Nfe { get; init; }

    /// <summary>The generator of the batch just evaluated (null for baselines).</summary>
    public string? Generator { get; init; }

    /// <summary>The best so far per NFE, ascending NFE.</summary>
    public required IReadOnlyList<NfeBest> Best { get; init; }

    /// <summary>The surrogate's last Kendall tau where the generator has one.</summary>
    public double? KendallTau { get; init; }
}
