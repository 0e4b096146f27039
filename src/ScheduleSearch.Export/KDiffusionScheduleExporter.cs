using System.Text.Json;
using ScheduleSearch.Core.Formatting;
using ScheduleSearch.Core.Noise;

namespace ScheduleSearch.Export;

/// <summary>
/// <c>k-diffusion</c>: <c>sigmas</c> (N+1, final 0; pass as <c>torch.tensor(sigmas)</c>), the closest
/// <c>k_diffusion.sampling</c> sampler with its extra arguments, and the start state the schedule was scored from.
/// The exact run is <c>schedule_search.k_diffusion.sample_schedule</c> with the json export.
/// </summary>
public sealed class KDiffusionScheduleExporter : ScheduleExporterBase, IApproximateExporter
{
    private const string ThreeMNote = "with eta 0 sample_dpmpp_3m_sde is deterministic, but its warm-up steps follow another formula than the tool's DPM-Solver++ 3M, so it approximates it";

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
            "dpm-solver++" or "dpm-solver" => ("sample_dpmpp_3m_sde", "{\"eta\": 0.0}", ThreeMNote),
            "unipc-bh1" or "unipc-bh2" => (family.Order >= 3 ? "sample_dpmpp_3m_sde" : "sample_dpmpp_2m", family.Order >= 3 ? "{\"eta\": 0.0}" : null, "k-diffusion has no UniPC; the closest multistep sampler is named"),
            "dpm-solver++-singlestep" => ("sample_dpmpp_2s_ancestral", "{\"eta\": 0.0}", "with eta 0 sample_dpmpp_2s_ancestral is DPM-Solver++(2S), the schedule's data-prediction singlestep step (third-order steps run at second order)"),
            "dpm-solver-singlestep" => ("sample_dpm_2", null, "k-diffusion's DPM-2 (a midpoint step in log sigma) approximates the schedule's noise-prediction singlestep steps"),
            _ => ("sample_lms", FormattableString.Invariant($"{{\"order\": {Math.Clamp(family.Order, 1, 4)}}}"), "linear multistep in sigma stands in for this method"),
        };
    }

    /// <inheritdoc />
    public TargetRun? TargetRunOf(ExportedSchedule winner, out string? why)
    {
        ArgumentNullException.ThrowIfNull(winner);
        var (main, _) = SolverFamily.Summarize(winner.Schedule);
        var (sampler, _, _) = Closest(main);
        // The sampler's own rules as a preset, and whether they are its arithmetic step for step (checked against
        // k-diffusion's sampling.py: first and last steps first order, eta 0; the 3M warm-up and DPM-2 differ).
        (string Preset, bool Exact)? rule = sampler switch
        {
            "sample_euler" => ("euler", true),
            "sample_heun" => ("heun", true),
            "sample_dpmpp_2m" => ("dpm-solver++-2m", true),
            "sample_dpmpp_3m_sde" => ("dpm-solver++-3m", false),
            "sample_dpmpp_2s_ancestral" => ("dpm-solver++-2s-fixed", true),
            "sample_dpm_2" => ("dpm-solver-2s-fixed", false),
            _ => null,
        };
        if (rule is not { } r)
        {
            why = $"k-diffusion's {sampler} is not one of the tool's presets";
            return null;
        }

        if (winner.Noise is not (VpDiscreteSchedule or VpLinearSchedule))
        {
            why = $"the tool scores k-diffusion's view of variance-preserving models only (this model is '{winner.Noise.Kind}')";
            return null;
        }

        why = null;
        var sigmas = ExportSigmas.Of(winner).Sigmas;
        return new TargetRun
        {
            Segments = TargetRun.Whole(r.Preset, sigmas),
            Sigmas = sigmas,
            ModelCalls = TargetCalls.Of(sampler, sigmas.Length - 1, endsAtZero: true),
            Exact = r.Exact,
            Description = $"k-diffusion {sampler} on these sigmas from noise * sqrt(1 + sigmas[0]^2), run by the tool as its {r.Preset} preset in the VE view"
                + (r.Exact ? string.Empty : " (an approximation of the sampler: its warm-up or step formula differs)"),
        };
    }

    /// <summary>
    /// The start state for standard-normal <c>noise</c> in k-diffusion's (VE) view, where the tool starts: a VP model
    /// starts at x_T = noise, which is noise / alpha(t_T) = noise * sqrt(1 + sigma_T^2); an EDM model at sigma_T * noise.
    /// </summary>
    public static string StartState(NoiseSchedule noise) => noise switch
    {
        EdmSchedule => "noise * sigmas[0]",
        FlowSchedule => "noise",
        _ => "noise * (1 + sigmas[0] ** 2) ** 0.5",
    };

    /// <inheritdoc />
    protected override void WriteOne(Utf8JsonWriter json, ExportedSchedule winner)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(winner);
        var (main, notes) = SolverFamily.Summarize(winner.Schedule);
        var (sigmas, replaced) = ExportSigmas.Of(winner);
        var (sampler, extra, note) = Closest(main);
        var calls = TargetCalls.Of(sampler, sigmas.Length - 1, endsAtZero: true);
        var start = StartState(winner.Noise);
        json.WriteStartObject();
        json.WriteString("format", "schedule-search/k-diffusion@1");
        json.WriteString("name", winner.Schedule.Name);
        json.WriteNumber("nfe", calls);
        json.WriteString("sampler", sampler);
        json.WritePropertyName("extra_args");
        json.WriteRawValue(extra ?? "{}");
        WriteNumbers(json, "sigmas", sigmas);
        json.WriteString("start", start);
        json.WriteString("usage", $"sigmas = torch.tensor(sigmas); x = {start}; k_diffusion.sampling.{sampler}(model, x, sigmas, **extra_args)");
        json.WriteString("exact", "schedule_search.k_diffusion.sample_schedule(model, start_state(schedule, noise), schedule) with schedule = Schedule.load(<the json export>) runs every step exactly");
        json.WriteStartArray("notes");
        if (note is not null)
        {
            json.WriteStringValue(note);
        }

        if (winner.Noise is not EdmSchedule and not FlowSchedule)
        {
            json.WriteStringValue("start: the schedule was scored from x_T = noise, which is noise * sqrt(1 + sigmas[0]^2) in k-diffusion's view; k-diffusion's usual x = noise * sigmas[0] starts elsewhere");
        }

        if (replaced > 0)
        {
            json.WriteStringValue($"the schedule ends at sigma {PlainDecimal.Format(replaced)}; the sigmas end at 0 as k-diffusion expects");
        }

        if (TargetCalls.Note(calls, winner.Schedule.Nfe) is { } callNote)
        {
            json.WriteStringValue(callNote);
        }

        foreach (var n in notes)
        {
            json.WriteStringValue(n);
        }

        json.WriteEndArray();
        WriteExpected(json, winner);
        WriteProvenance(json, winner);
        json.WriteEndObject();
    }
}
