namespace ScheduleSearch.Export;

/// <summary>
/// One SplitSigmas segment of a ComfyUI export: its sampler runs sigmas[<see cref="Start"/>..<see cref="End"/>] (end
/// included) in its own SamplerCustom node, from the state the segment before left and with no history.
/// </summary>
/// <param name="Start">The index of the segment's first sigma.</param>
/// <param name="End">The index of its last sigma (the next segment's first).</param>
/// <param name="Sampler">The ComfyUI sampler that runs it.</param>
/// <param name="ForOneStepUniPc">True when dpmpp_2m stands in for a one-step UniPC run (<see cref="OneStepUniPcNote"/>).</param>
public sealed record ComfyUiSegment(int Start, int End, ComfyUiSampler Sampler, bool ForOneStepUniPc = false)
{
    /// <summary>The note when a one-step UniPC run is given to dpmpp_2m (see <see cref="Of"/>).</summary>
    public const string OneStepUniPcNote = "uni_pc and uni_pc_bh2 make no step on a one-step segment (two sigmas: order min(3, 2 - 2) = 0, the state is only rescaled), so a one-step segment runs dpmpp_2m, the first-order step UniPC opens with";

    /// <summary>Steps in the segment.</summary>
    public int Steps => End - Start;

    /// <summary>
    /// The segments of <paramref name="winner"/>: one per run of steps of one family, the family at the run's highest
    /// order (ComfyUI's samplers lower the order in their warm-up and final steps themselves); a first-order opening
    /// belongs to the sampler after it and a first-order last step to the one before (the multistep warm-up and "lower
    /// order final"). A one-step UniPC run becomes dpmpp_2m, since ComfyUI's uni_pc makes no step on two sigmas.
    /// </summary>
    public static IReadOnlyList<ComfyUiSegment> Of(ExportedSchedule winner)
    {
        ArgumentNullException.ThrowIfNull(winner);
        var steps = winner.Schedule.Steps;
        var families = steps.Select(SolverFamily.Of).ToArray();
        var names = families.Select(f => f.Name).ToArray();
        // A first-order opening (the multistep warm-up) belongs to the sampler that follows it.
        var firstOther = Array.FindIndex(names, n => n != "ddim");
        if (firstOther > 0 && steps.Take(firstOther).All(s => s.Order == 1))
        {
            for (var i = 0; i < firstOther; i++)
            {
                names[i] = names[firstOther];
            }
        }

        // A first-order last step is the sampler's own "lower order final": it stays in the segment before it.
        if (names.Length > 1 && names[^1] == "ddim")
        {
            names[^1] = names[^2];
        }

        var segments = new List<ComfyUiSegment>();
        var start = 0;
        for (var i = 1; i <= names.Length; i++)
        {
            if (i == names.Length || names[i] != names[start])
            {
                var run = families[start..i];
                var family = new SolverFamily(names[start], run.Max(f => f.Order), run.Any(f => f.Corrector));
                var oneStepUniPc = i - start == 1 && family.Name is "unipc-bh1" or "unipc-bh2";
                var sampler = ComfyUiSampler.For(oneStepUniPc ? new SolverFamily("dpm-solver++", 1, Corrector: false) : family);
                segments.Add(new ComfyUiSegment(start, i, sampler, oneStepUniPc));
                start = i;
            }
        }

        return segments;
    }
}
