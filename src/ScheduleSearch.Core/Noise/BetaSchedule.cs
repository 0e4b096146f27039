namespace ScheduleSearch.Core.Noise;

/// <summary>The DDPM beta schedules of diffusers' DDPMScheduler.</summary>
public enum BetaSchedule
{
    /// <summary>betas = linspace(beta_start, beta_end, N) (DDPM).</summary>
    Linear,

    /// <summary>betas = linspace(sqrt(beta_start), sqrt(beta_end), N)^2 (Stable Diffusion).</summary>
    ScaledLinear,

    /// <summary>Nichol and Dhariwal's cosine schedule, betas capped at 0.999.</summary>
    SquaredCosCapV2,
}
