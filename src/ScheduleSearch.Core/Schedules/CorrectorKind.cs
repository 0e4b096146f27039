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

    /// <summary>
    /// DPM-Solver-v3's corrector: reuses the next step's evaluation to redo the step with the new point in the history,
    /// at the step's order (free, not after the last step); the stored prediction is shifted so that f is unchanged.
    /// </summary>
    DpmSolverV3,

    /// <summary>DPM-Solver-v3's pseudo-order corrector (the authors' c_pseudo): the step's order plus one.</summary>
    DpmSolverV3Pseudo,
}
