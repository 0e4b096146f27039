namespace ScheduleSearch.Export;

/// <summary>
/// What an approximate export's target will run, as this tool can run it: one of the tool's presets on the export's
/// VE sigmas (k-diffusion's and diffusers' view of a VP model, the last sigma 0 where the target ends there), started
/// from the state the schedule was scored from. <see cref="Exact"/> says whether the preset is the target's own
/// formula step for step; <see cref="Description"/> names the run and what is left over when it is not.
/// </summary>
public sealed record TargetRun
{
    /// <summary>The tool's preset whose rules the target's sampler follows.</summary>
    public required string Preset { get; init; }

    /// <summary>The N+1 VE sigmas the target steps through, descending (0 last when the target denoises fully).</summary>
    public required IReadOnlyList<double> Sigmas { get; init; }

    /// <summary>The model calls the target makes on these sigmas (its own count, <see cref="TargetCalls"/>), the export's "nfe".</summary>
    public required int ModelCalls { get; init; }

    /// <summary>Whether the preset on these sigmas is the target's own arithmetic (up to float rounding).</summary>
    public required bool Exact { get; init; }

    /// <summary>The run in words, e.g. "k-diffusion sample_dpmpp_2m = the tool's dpm-solver++-2m on these sigmas".</summary>
    public required string Description { get; init; }
}
