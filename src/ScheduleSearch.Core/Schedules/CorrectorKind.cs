namespace ScheduleSearch.Core.Schedules;

/// <summary>What runs after a step's predictor.</summary>
public enum CorrectorKind
{
    /// <summary>No corrector.</summary>
    None,

    /// <summary>UniPC's UniC: reuses the next step's evaluation, so it costs nothing (not after the last step).</summary>
    UniC,

    /// <summary>UniC followed by a fresh evaluation at the corrected state (one extra evaluation).</summary>
    Implicit,
}
