namespace ScheduleSearch.Core.Denoising;

/// <summary>What a network receives as its time input (a model card's inputs.time_convention; SOLVERS.md section 1).</summary>
public enum TimeConvention
{
    /// <summary>The DDPM step index 1000 (t - 1/N), a float in [0, 999] (DPM-Solver's discrete wrapper).</summary>
    DiscreteIndex,

    /// <summary>The continuous time t itself (times the card's time_scale, 1 by default).</summary>
    ContinuousT,

    /// <summary>EDM style: the network receives x/alpha and sigma/alpha.</summary>
    VeSigma,

    /// <summary>EDM's preconditioned network F: fed c_in x/alpha and c_noise = ln(sigma/alpha)/4; the adapter forms D = c_skip xbar + c_out F.</summary>
    EdmCNoise,
}
