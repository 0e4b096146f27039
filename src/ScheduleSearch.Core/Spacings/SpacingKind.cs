namespace ScheduleSearch.Core.Spacings;

/// <summary>Where the timesteps of a grid go.</summary>
public enum SpacingKind
{
    /// <summary>Equal steps in t (DPM-Solver's time_uniform).</summary>
    TimeUniform,

    /// <summary>Equal steps in sqrt(t) (DPM-Solver's time_quadratic).</summary>
    TimeQuadratic,

    /// <summary>Equal steps in half log-SNR lambda (DPM-Solver's logSNR).</summary>
    LogSnrUniform,

    /// <summary>Karras et al.'s rho-spacing of the VE noise level (EDM eq. 5).</summary>
    Karras,

    /// <summary>A given list, resized log-linearly in the VE noise level when its length differs (AYS/GITS).</summary>
    Explicit,

    /// <summary>
    /// Flow models only: equal steps in the unshifted time u, mapped through SD3/Flux's sigma shift
    /// t = s u / (1 + (s - 1) u) (diffusers' FlowMatchEulerDiscreteScheduler without dynamic shifting).
    /// </summary>
    FlowShift,
}
