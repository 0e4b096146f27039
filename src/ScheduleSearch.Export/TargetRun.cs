using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Solvers;

namespace ScheduleSearch.Export;

/// <summary>
/// What an approximate export's target will run, as this tool can run it: one or more of the tool's presets on the
/// export's VE sigmas (k-diffusion's, diffusers' and ComfyUI's view of a VP model, the last sigma 0 where the target
/// ends there), one after another from the state the schedule was scored from. <see cref="Exact"/> says whether the
/// presets are the target's own formulas step for step; <see cref="Description"/> names the run and what is left over
/// when they are not.
/// </summary>
public sealed record TargetRun
{
    /// <summary>
    /// The sampler runs the target makes in order: one for k-diffusion and diffusers, one per SplitSigmas segment for
    /// ComfyUI, each starting from the state the previous left with no multistep history.
    /// </summary>
    public required IReadOnlyList<TargetSegment> Segments { get; init; }

    /// <summary>The N+1 VE sigmas of the export, descending (0 last when the target denoises fully).</summary>
    public required IReadOnlyList<double> Sigmas { get; init; }

    /// <summary>The model calls the target makes on these sigmas (its own count, <see cref="TargetCalls"/>), the export's "nfe".</summary>
    public required int ModelCalls { get; init; }

    /// <summary>Whether the presets on these sigmas are the target's own arithmetic (up to float rounding).</summary>
    public required bool Exact { get; init; }

    /// <summary>The run in words, e.g. "k-diffusion sample_dpmpp_2m = the tool's dpm-solver++-2m on these sigmas".</summary>
    public required string Description { get; init; }

    /// <summary>The lowest positive sigma a segment steps to (a VE view must reach it: <see cref="VeViewDenoiser"/>).</summary>
    public double LowestSigma => Segments.SelectMany(s => s.Sigmas).Where(s => s > 0.0).DefaultIfEmpty(double.PositiveInfinity).Min();

    /// <summary>
    /// Runs the segments on <paramref name="x"/> (<paramref name="batch"/> VE-view states at the first sigma) in
    /// <paramref name="view"/>, each with a fresh sampler, leaving the target's result in <paramref name="x"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A segment's preset cannot run its sigmas.</exception>
    /// <exception cref="Core.Schedules.ScheduleFormatException">A segment is not a schedule the view can run.</exception>
    public void Run(VeViewDenoiser view, double[] x, int batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(view);
        var schedules = Segments.Select(s => s.Schedule(view.Schedule)).ToList();
        foreach (var schedule in schedules)
        {
            new Sampler(view).Run(schedule, x, batch, null, cancellationToken);
        }
    }

    /// <summary>A target that runs one preset on all of <paramref name="sigmas"/>.</summary>
    public static IReadOnlyList<TargetSegment> Whole(string preset, IReadOnlyList<double> sigmas) => [new TargetSegment { Preset = preset, Sigmas = sigmas }];
}
