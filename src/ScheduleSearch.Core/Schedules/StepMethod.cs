namespace ScheduleSearch.Core.Schedules;

/// <summary>How a step uses model evaluations (SOLVERS.md section 3, "start point", plus the VE-view integrators).</summary>
public enum StepMethod
{
    /// <summary>Exponential integrator using the last points of the history (1 evaluation per step).</summary>
    Multistep,

    /// <summary>Exponential integrator with order-1 extra evaluations inside the step (DPM-Solver's singlestep).</summary>
    Singlestep,

    /// <summary>EDM's Euler step in the VE view (1 evaluation).</summary>
    Euler,

    /// <summary>EDM's Heun step in the VE view (2 evaluations; Euler when it ends at sigma = 0).</summary>
    Heun,

    /// <summary>improved PNDM: Adams-Bashforth on eps in the VE view, orders 1-4 with warm-up.</summary>
    Ipndm,

    /// <summary>
    /// Gaussian teleport (Wang and Vastola 2024): jump from the first point to the second in closed form under a
    /// Gaussian fit of the data (mean, covariance); no model evaluation. Only as the first step.
    /// </summary>
    Teleport,

    /// <summary>PNDM's pseudo linear multistep: a pseudo improved-Euler first step, then Adams-Bashforth 2-4.</summary>
    Plms,
}
