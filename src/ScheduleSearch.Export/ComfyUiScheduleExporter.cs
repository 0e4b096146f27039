using System.Text.Json;
using ScheduleSearch.Core.Formatting;

namespace ScheduleSearch.Export;

/// <summary>
/// <c>comfyui</c>: the SIGMAS list as plain decimals (ComfyUI's manual-sigmas parser cannot read exponents), also
/// as one comma-separated string to paste, plus segments <c>{start, end, sampler}</c> where the solver changes:
/// split the sigmas there with SplitSigmas and give each part to a SamplerCustom node with that KSamplerSelect sampler.
/// </summary>
public sealed class ComfyUiScheduleExporter : ScheduleExporterBase
{
    /// <inheritdoc />
    public override string Name => "comfyui";

    /// <summary>ComfyUI's KSampler name closest to a family.</summary>
    public static string SamplerName(SolverFamily family)
    {
        ArgumentNullException.ThrowIfNull(family);
        return family.Name switch
        {
            "ddim" or "euler" => "euler",
            "heun" => "heun",
            "dpm-solver++" or "dpm-solver" => family.Order <= 2 ? "dpmpp_2m" : "dpmpp_3m_sde",
            "unipc-bh1" => "uni_pc",
            "unipc-bh2" => "uni_pc_bh2",
            "dpm-solver-singlestep" or "dpm-solver++-singlestep" => "dpm_2",
            "deis" => "deis",
            "ipndm" => "ipndm",
            _ => "lms",
        };
    }

    /// <inheritdoc />
    protected override void WriteOne(Utf8JsonWriter json, ExportedSchedule winner)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(winner);
        var (sigmas, replaced) = ExportSigmas.Of(winner);
        var steps = winner.Schedule.Steps;
        var names = steps.Select(s => SamplerName(SolverFamily.Of(s))).ToArray();

        // A first-order opening (the multistep warm-up) belongs to the sampler that follows it.
        var firstOther = Array.FindIndex(names, n => n != "euler");
        if (firstOther > 0 && steps.Take(firstOther).All(s => s.Order == 1))
        {
            for (var i = 0; i < firstOther; i++)
            {
                names[i] = names[firstOther];
            }
        }

        // A first-order last step is the sampler's own "lower order final": it stays in the segment before it.
        if (names.Length > 1 && names[^1] == "euler" && SolverFamily.Of(steps[^1]).Name == "ddim")
        {
            names[^1] = names[^2];
        }

        json.WriteStartObject();
        json.WriteString("format", "schedule-search/comfyui@1");
        json.WriteString("name", winner.Schedule.Name);
        json.WriteNumber("nfe", winner.Schedule.Nfe);
        WriteNumbers(json, "sigmas", sigmas);
        json.WriteString("sigmas_text", string.Join(", ", sigmas.Select(PlainDecimal.Format)));
        json.WriteStartArray("segments");
        var start = 0;
        for (var i = 1; i <= names.Length; i++)
        {
            if (i == names.Length || names[i] != names[start])
            {
                json.WriteStartObject();
                json.WriteNumber("start", start);
                json.WriteNumber("end", i);
                json.WriteString("sampler", names[start]);
                json.WriteEndObject();
                start = i;
            }
        }

        json.WriteEndArray();
        json.WriteStartArray("notes");
        json.WriteStringValue("segments index the sigmas: a segment runs sigmas[start..end] (end included); SplitSigmas at 'end' separates it from the next");
        if (replaced > 0)
        {
            json.WriteStringValue($"the schedule ends at sigma {PlainDecimal.Format(replaced)}; the sigmas end at 0 as ComfyUI expects");
        }

        foreach (var note in SolverFamily.Summarize(winner.Schedule).Notes)
        {
            json.WriteStringValue(note);
        }

        json.WriteEndArray();
        WriteProvenance(json, winner);
        json.WriteEndObject();
    }
}
