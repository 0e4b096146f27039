namespace ScheduleSearch.Export;

/// <summary>
/// Model calls a one-solver target makes over sigmas, as its own code counts them (k-diffusion's sampling.py,
/// ComfyUI's samplers, diffusers' schedulers): one per step for the multistep and Euler samplers, two per step for
/// Heun and the second-order singlestep samplers except on a step to sigma 0, which is one Euler (or denoising) call.
/// </summary>
public static class TargetCalls
{
    /// <summary>Calls of <paramref name="sampler"/> over <paramref name="steps"/> steps; <paramref name="endsAtZero"/>: the last sigma is 0.</summary>
    public static int Of(string sampler, int steps, bool endsAtZero)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        var twoPerStep = sampler is "heun" or "sample_heun" or "dpm_2" or "sample_dpm_2" or "dpmpp_2s_ancestral" or "sample_dpmpp_2s_ancestral"
            or "HeunDiscreteScheduler";
        return twoPerStep ? (2 * steps) - (endsAtZero ? 1 : 0) : steps;
    }

    /// <summary>
    /// The note when the target's calls differ from the schedule's: an analytical first step costs the target a call,
    /// correctors and singlestep steps cost the schedule extra calls the target does not make.
    /// </summary>
    public static string? Note(int targetCalls, int scheduleNfe) => targetCalls == scheduleNfe
        ? null
        : $"nfe is the model calls this target makes ({targetCalls}); the schedule itself makes {scheduleNfe} (an analytical first step needs no call, correctors and singlestep steps need more)";
}
