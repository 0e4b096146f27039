using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;

namespace ScheduleSearch.Export;

/// <summary>
/// One sampler run of a <see cref="TargetRun"/>: the tool's preset whose rules the target's sampler follows, on the VE
/// sigmas it steps through, with the orders it takes where they differ from the preset's rules.
/// </summary>
public sealed record TargetSegment
{
    /// <summary>The tool's preset whose rules the target's sampler follows.</summary>
    public required string Preset { get; init; }

    /// <summary>The VE sigmas this run steps through, descending (0 last when it denoises fully).</summary>
    public required IReadOnlyList<double> Sigmas { get; init; }

    /// <summary>
    /// The sampler's order of each step where it is not the preset's (k-diffusion's multistep samplers lower the order
    /// only on a step to sigma 0, the presets on the last steps); null: the preset's own.
    /// </summary>
    public IReadOnlyList<int>? Orders { get; init; }

    /// <summary>The run as a schedule in the VE view <paramref name="view"/> (time = sigma).</summary>
    /// <exception cref="ArgumentException">The preset cannot run these sigmas.</exception>
    public SamplerSchedule Schedule(NoiseSchedule view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var schedule = PresetCatalog.Create(Preset, view, Sigmas);
        if (Orders is null)
        {
            return schedule;
        }

        if (Orders.Count != schedule.Steps.Length)
        {
            throw new ArgumentException($"{Orders.Count} orders for the {schedule.Steps.Length} steps of {Preset}");
        }

        return schedule with { Steps = [.. schedule.Steps.Select((step, i) => step with { Order = Orders[i] })] };
    }

    /// <summary>
    /// k-diffusion's multistep order rule: order min(i, <paramref name="order"/>) on step i (its history is that long),
    /// first order on a step to sigma 0, and no lower order at the end otherwise.
    /// </summary>
    public static int[] KDiffusionOrders(IReadOnlyList<double> sigmas, int order)
    {
        ArgumentNullException.ThrowIfNull(sigmas);
        return [.. Enumerable.Range(1, sigmas.Count - 1).Select(i => sigmas[i] == 0.0 ? 1 : Math.Min(i, order))];
    }
}
