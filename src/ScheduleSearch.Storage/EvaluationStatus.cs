namespace ScheduleSearch.Storage;

/// <summary>How one evaluation ended.</summary>
public enum EvaluationStatus
{
    /// <summary>Scored normally.</summary>
    Ok,

    /// <summary>The sampler produced NaN or infinite samples; the score is +infinity.</summary>
    Diverged,

    /// <summary>The evaluation could not be run (see its details); the score is +infinity.</summary>
    Failed,
}
