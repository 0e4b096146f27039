using System.Text.Json;
using ScheduleSearch.Core.Formatting;

namespace ScheduleSearch.Export;

/// <summary>
/// <c>comfyui</c>: the SIGMAS list as plain decimals (ComfyUI's manual-sigmas parser cannot read exponents), also
/// as one comma-separated string to paste, plus segments <c>{start, end, sampler, node, inputs}</c> where the solver
/// changes: split the sigmas there with SplitSigmas and give each part to a SamplerCustom node with that sampler.
/// The exact run is the package's ComfyUI nodes (python/schedule_search/comfyui) with the json export.
/// </summary>
public sealed class ComfyUiScheduleExporter : ScheduleExporterBase
{
    /// <inheritdoc />
    public override string Name => "comfyui";

    /// <summary>ComfyUI's sampler name closest to a family.</summary>
    public static string SamplerName(SolverFamily family) => ComfyUiSampler.For(family).Name;

    /// <inheritdoc />
    protected override void WriteOne(Utf8JsonWriter json, ExportedSchedule winner)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(winner);
        var (sigmas, replaced) = ExportSigmas.Of(winner);
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

        // One segment per run of one family; its sampler is the family at the run's highest order, since the
        // target's own warm-up and final steps lower the order there as the schedule does.
        var segments = new List<(int Start, int End, ComfyUiSampler Sampler)>();
        var start = 0;
        for (var i = 1; i <= names.Length; i++)
        {
            if (i == names.Length || names[i] != names[start])
            {
                var run = families[start..i];
                segments.Add((start, i, ComfyUiSampler.For(new SolverFamily(names[start], run.Max(f => f.Order), run.Any(f => f.Corrector)))));
                start = i;
            }
        }

        var calls = segments.Sum(s => TargetCalls.Of(s.Sampler.Name, s.End - s.Start, endsAtZero: s.End == sigmas.Length - 1));
        json.WriteStartObject();
        json.WriteString("format", "schedule-search/comfyui@1");
        json.WriteString("name", winner.Schedule.Name);
        json.WriteNumber("nfe", calls);
        WriteNumbers(json, "sigmas", sigmas);
        json.WriteString("sigmas_text", string.Join(", ", sigmas.Select(PlainDecimal.Format)));
        json.WriteStartArray("segments");
        foreach (var (segmentStart, end, sampler) in segments)
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
