using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Spacings;

namespace ScheduleSearch.Core.Presets;

/// <summary>
/// A classic solver as data: how many intervals it needs for an NFE, and the step choices it puts on a grid
/// of those intervals (each author's own warm-up and lower-order-final rules).
/// </summary>
public sealed record Preset
{
    /// <summary>The preset's name (e.g. "dpm-solver++-2m").</summary>
    public required string Name { get; init; }

    /// <summary>The spacing used when none is given.</summary>
    public required Spacing DefaultSpacing { get; init; }

    /// <summary>The paper or code whose rules this preset follows.</summary>
    public required string Source { get; init; }

    /// <summary>Outer grid intervals for an NFE and whether the grid ends at 0; null when that NFE is impossible.</summary>
    public required Func<int, bool, int?> Intervals { get; init; }

    /// <summary>Step choices for a grid of n intervals, given the NFE asked for (null on an explicit grid).</summary>
    public required Func<int, int?, StepChoice[]> Steps { get; init; }

    /// <summary>
    /// For singlestep presets under spacings other than logSNR: DPM-Solver builds the NFE-interval grid and keeps the
    /// points at cumsum(orders). Null for everything else.
    /// </summary>
    public Func<int, int[]>? SinglestepOrders { get; init; }

    /// <summary>True when the preset reads the card's empirical model statistics (dpm-solver-v3; its grid is snapped to theirs).</summary>
    public bool NeedsEms { get; init; }
}
