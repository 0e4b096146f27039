using System.Text.Json;
using ScheduleSearch.Core.Formatting;

namespace ScheduleSearch.Export;

/// <summary>
/// <c>k-diffusion</c>: <c>sigmas</c> (N+1, final 0; pass as <c>torch.tensor(sigmas)</c>) and the closest
/// <c>k_diffusion.sampling</c> sampler with its extra arguments.
/// </summary>
public sealed class KDiffusionScheduleExporter : ScheduleExporterBase
{
    /// <inheritdoc />
    public override string Name => "k-diffusion";

    /// <summary>The k-diffusion sampler closest to a family, with its extra arguments and a note when only approximate.</summary>
    public static (string Sampler, string? ExtraArgs, string? Note) Closest(SolverFamily family)
    {
        ArgumentNullException.ThrowIfNull(family);
        return family.Name switch
        {
            "ddim" or "euler" => ("sample_euler", null, null),
            "heun" => ("sample_heun", null, null),
            "dpm-solver++" or "dpm-solver" when family.Order <= 2 => ("sample_dpmpp_2m", null, family.Name == "dpm-solver" ? "k-diffusion's 2M uses data prediction" : null),
            "dpm-solver++" or "dpm-solver" => ("sample_dpmpp_3m_sde", "{\"eta\": 0.0}", "with eta 0 the 3M SDE sampler is the deterministic DPM-Solver++ 3M"),
            "unipc-bh1" or "unipc-bh2" => (family.Order >= 3 ? "sample_dpmpp_3m_sde" : "sample_dpmpp_2m", family.Order >= 3 ? "{\"eta\": 0.0}" : null, "k-diffusion has no UniPC; the closest multistep sampler is named"),
            "dpm-solver-singlestep" or "dpm-solver++-singlestep" => ("sample_dpm_2", null, "k-diffusion's DPM-2 is the singlestep second-order solver"),
            _ => ("sample_lms", FormattableString.Invariant($"{{\"order\": {Math.Clamp(family.Order, 1, 4)}}}"), "linear multistep in sigma stands in for this method"),
        };
    }

    /// <inheritdoc />
    protected override void WriteOne(Utf8JsonWriter json, ExportedSchedule winner)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(winner);
        var (main, notes) = SolverFamily.Summarize(winner.Schedule);
        var (sigmas, replaced) = ExportSigmas.Of(winner);
        var (sampler, extra, note) = Closest(main);
        json.WriteStartObject();
        json.WriteString("format", "schedule-search/k-diffusion@1");
        json.WriteString("name", winner.Schedule.Name);
        json.WriteNumber("nfe", winner.Schedule.Nfe);
        json.WriteString("sampler", sampler);
        json.WritePropertyName("extra_args");
        json.WriteRawValue(extra ?? "{}");
        WriteNumbers(json, "sigmas", sigmas);
        json.WriteString("usage", $"k_diffusion.sampling.{sampler}(model, x * sigmas[0], torch.tensor(sigmas), **extra_args)");
        json.WriteStartArray("notes");
        if (note is not null)
        {
            json.WriteStringValue(note);
        }

        if (replaced > 0)
        {
            json.WriteStringValue($"the schedule ends at sigma {PlainDecimal.Format(replaced)}; the sigmas end at 0 as k-diffusion expects");
        }

        foreach (var n in notes)
        {
            json.WriteStringValue(n);
        }

        json.WriteEndArray();
        WriteProvenance(json, winner);
        json.WriteEndObject();
    }
}
