using System.Text.Json;
using ScheduleSearch.Core.Formatting;
using ScheduleSearch.Core.Noise;

namespace ScheduleSearch.Export;

/// <summary>
/// <c>comfyui</c>: the SIGMAS list as plain decimals (ComfyUI's manual-sigmas parser cannot read exponents), also
/// as one comma-separated string to paste, plus segments <c>{start, end, sampler, node, inputs}</c> where the solver
/// changes: split the sigmas there with SplitSigmas and give each part to a SamplerCustom node with that sampler.
/// The exact run is the package's ComfyUI nodes (python/schedule_search/comfyui) with the json export. The tool scores
/// the segments as ComfyUI runs them (<see cref="TargetRunOf"/>).
/// </summary>
public sealed class ComfyUiScheduleExporter : ScheduleExporterBase, IApproximateExporter
{
    /// <inheritdoc />
    public override string Name => "comfyui";

    /// <summary>The sigma ComfyUI's uni_pc runs to where its sigmas end at 0 (its sample_unipc replaces the 0).</summary>
    public const double UniPcFinalSigma = 0.001;

    /// <summary>ComfyUI's sampler name closest to a family.</summary>
    public static string SamplerName(SolverFamily family) => ComfyUiSampler.For(family).Name;

    /// <inheritdoc />
    public TargetRun? TargetRunOf(ExportedSchedule winner, out string? why)
    {
        ArgumentNullException.ThrowIfNull(winner);
        if (winner.Noise is not (VpDiscreteSchedule or VpLinearSchedule))
        {
            why = $"the tool scores ComfyUI's view of variance-preserving models only (this model is '{winner.Noise.Kind}')";
            return null;
        }

        var sigmas = ExportSigmas.Of(winner).Sigmas;
        var segments = ComfyUiSegment.Of(winner);
        var runs = new List<(TargetSegment Run, bool Exact, string Words)>();
        foreach (var segment in segments)
        {
            var part = sigmas[segment.Start..(segment.End + 1)];
            if (Run(segment.Sampler.Name, part) is not { } run)
            {
                why = $"ComfyUI's {segment.Sampler.Name} is not one of the tool's presets";
                return null;
            }

            runs.Add(run);
        }

        why = null;
        var exact = runs.All(r => r.Exact);
        return new TargetRun
        {
            Segments = [.. runs.Select(r => r.Run)],
            Sigmas = sigmas,
            ModelCalls = Calls(segments, sigmas.Length - 1),
            Exact = exact,
            Description = $"ComfyUI: one SamplerCustom per SplitSigmas segment from the state the schedule was scored from, each restarting its sampler's history: {string.Join("; ", runs.Select(r => r.Words))}; run by the tool in the VE view"
                + (exact ? string.Empty : " (an approximation of a sampler: its warm-up or step formula differs)"),
        };
    }

    /// <summary>
    /// ComfyUI's <paramref name="sampler"/> on a segment's sigmas as the tool's preset with the sampler's own rules (its
    /// k-diffusion samplers as k-diffusion's sampling.py; uni_pc as ComfyUI's sample_unipc: order min(3, len(sigmas) - 2),
    /// warm-up orders 1, 2, lower order at the end, UniC after every step but the last, a final sigma 0 run as 0.001),
    /// whether that is its arithmetic, and the run in words; null when the tool has no such preset.
    /// </summary>
    private static (TargetSegment Run, bool Exact, string Words)? Run(string sampler, double[] sigmas)
    {
        var steps = sigmas.Length - 1;
        (string Preset, bool Exact, int[]? Orders)? rule = sampler switch
        {
            "euler" => ("euler", true, null),
            "heun" => ("heun", true, null),
            "dpmpp_2m" => ("dpm-solver++-2m", true, TargetSegment.KDiffusionOrders(sigmas, 2)),
            "dpmpp_3m_sde" => ("dpm-solver++-3m", false, TargetSegment.KDiffusionOrders(sigmas, 3)),
            "dpmpp_2s_ancestral" => ("dpm-solver++-2s-fixed", true, null),
            "dpm_2" => ("dpm-solver-2s-fixed", false, null),
            "uni_pc" or "uni_pc_bh2" when steps >= 2 =>
                (FormattableString.Invariant($"unipc-{(sampler == "uni_pc" ? "bh1" : "bh2")}-{Math.Min(3, steps - 1)}"), true, null),
            _ => null,
        };
        if (rule is not { } r)
        {
            return null;
        }

        var unipc = sampler.StartsWith("uni_pc", StringComparison.Ordinal);
        var run = unipc && sigmas[^1] == 0.0 ? [.. sigmas[..^1], UniPcFinalSigma] : sigmas;
        var words = FormattableString.Invariant($"{sampler} on {steps} step{(steps == 1 ? string.Empty : "s")} as {r.Preset}")
            + (run[^1] != sigmas[^1] ? " ending at sigma 0.001" : string.Empty);
        return (new TargetSegment { Preset = r.Preset, Sigmas = run, Orders = r.Orders }, r.Exact, words);
    }

    private static int Calls(IReadOnlyList<ComfyUiSegment> segments, int lastIndex) =>
        segments.Sum(s => TargetCalls.Of(s.Sampler.Name, s.Steps, endsAtZero: s.End == lastIndex));

    /// <inheritdoc />
    protected override void WriteOne(Utf8JsonWriter json, ExportedSchedule winner)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(winner);
        var (sigmas, replaced) = ExportSigmas.Of(winner);
        var segments = ComfyUiSegment.Of(winner);
        var calls = Calls(segments, sigmas.Length - 1);
        json.WriteStartObject();
        json.WriteString("format", "schedule-search/comfyui@1");
        json.WriteString("name", winner.Schedule.Name);
        json.WriteNumber("nfe", calls);
        WriteNumbers(json, "sigmas", sigmas);
        json.WriteString("sigmas_text", string.Join(", ", sigmas.Select(PlainDecimal.Format)));
        json.WriteStartArray("segments");
        foreach (var (segmentStart, end, sampler, _) in segments)
        {
            json.WriteStartObject();
            json.WriteNumber("start", segmentStart);
            json.WriteNumber("end", end);
            json.WriteString("sampler", sampler.Name);
            json.WriteString("node", sampler.Node);
            json.WriteStartObject("inputs");
            foreach (var (input, value) in sampler.Inputs)
            {
                switch (value)
                {
                    case double d:
                        WriteNumber(json, input, d);
                        break;
                    default:
                        json.WriteString(input, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                        break;
                }
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteString("exact", "the json export with the Schedule Search Sampler and Schedule Search Sigmas nodes (python/schedule_search/comfyui) in one SamplerCustom runs every step exactly");
        json.WriteStartArray("notes");
        json.WriteStringValue("segments index the sigmas: a segment runs sigmas[start..end] (end included); SplitSigmas at 'end' separates it from the next");
        if (segments.Count > 1)
        {
            json.WriteStringValue("each SplitSigmas segment starts its sampler afresh: a multistep sampler has no history at a segment's start, so its first step there is first order (the schedule keeps its history across)");
        }

        if (segments.Any(s => s.Sampler.Name.StartsWith("uni_pc", StringComparison.Ordinal)))
        {
            json.WriteStringValue("uni_pc and uni_pc_bh2 run order min(3, len(sigmas) - 2) over the sigmas they get, drop the corrector on their last step, and turn a final sigma 0 into 0.001");
        }

        if (segments.Any(s => s.ForOneStepUniPc))
        {
            json.WriteStringValue(ComfyUiSegment.OneStepUniPcNote);
        }

        if (replaced > 0)
        {
            json.WriteStringValue($"the schedule ends at sigma {PlainDecimal.Format(replaced)}; the sigmas end at 0 as ComfyUI expects");
        }

        foreach (var note in segments.Select(s => s.Sampler.Note).OfType<string>().Distinct())
        {
            json.WriteStringValue(note);
        }

        if (TargetCalls.Note(calls, winner.Schedule.Nfe) is { } callNote)
        {
            json.WriteStringValue(callNote);
        }

        foreach (var note in SolverFamily.Summarize(winner.Schedule).Notes)
        {
            json.WriteStringValue(note);
        }

        json.WriteEndArray();
        WriteExpected(json, winner);
        WriteProvenance(json, winner);
        json.WriteEndObject();
    }
}
