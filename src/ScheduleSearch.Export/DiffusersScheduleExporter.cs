using System.Text.Json;
using ScheduleSearch.Core.Formatting;
using ScheduleSearch.Core.Noise;

namespace ScheduleSearch.Export;

/// <summary>
/// <c>diffusers</c>: <c>timesteps</c> (N ints in [0, 999], descending, discrete-time models only) for
/// <c>set_timesteps(timesteps=...)</c>, <c>sigmas</c> (N+1, final 0), the closest scheduler class whose
/// <c>set_timesteps</c> takes custom timesteps (or sigmas) in current diffusers, with config overrides, and notes on
/// what that scheduler cannot express. The exact run is <c>schedule_search.diffusers.ScheduleSearchScheduler</c>.
/// </summary>
public sealed class DiffusersScheduleExporter : ScheduleExporterBase, IApproximateExporter
{
    /// <inheritdoc />
    public override string Name => "diffusers";

    /// <inheritdoc />
    protected override void WriteOne(Utf8JsonWriter json, ExportedSchedule winner)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(winner);
        var schedule = winner.Schedule;
        var (main, notes) = SolverFamily.Summarize(schedule);
        var (sigmas, replaced) = ExportSigmas.Of(winner);
        var timesteps = ExportSigmas.DiscreteTimesteps(winner);
        var allNotes = new List<string>(notes);
        json.WriteStartObject();
        json.WriteString("format", "schedule-search/diffusers@1");
        json.WriteString("name", schedule.Name);
        var (scheduler, config, schedulerNote) = Scheduler(main, schedule, winner.Noise, timesteps is not null);
        var calls = TargetCalls.Of(scheduler, schedule.Steps.Length, endsAtZero: true);
        json.WriteNumber("nfe", calls);
        if (schedulerNote is not null)
        {
            allNotes.Insert(0, schedulerNote);
        }

        if (TargetCalls.Note(calls, schedule.Nfe) is { } callNote)
        {
            allNotes.Insert(0, callNote);
        }

        json.WriteString("scheduler", scheduler);
        json.WriteStartObject("config");
        foreach (var (key, value) in config)
        {
            json.WritePropertyName(key);
            switch (value)
            {
                case int i:
                    json.WriteNumberValue(i);
                    break;
                case bool b:
                    json.WriteBooleanValue(b);
                    break;
                case int[] list:
                    json.WriteStartArray();
                    foreach (var item in list)
                    {
                        json.WriteNumberValue(item);
                    }

                    json.WriteEndArray();
                    break;
                default:
                    json.WriteStringValue(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                    break;
            }
        }

        json.WriteEndObject();
        if (timesteps is not null)
        {
            json.WriteStartArray("timesteps");
            foreach (var t in timesteps)
            {
                json.WriteNumberValue(t);
            }

            json.WriteEndArray();
            if (timesteps.Distinct().Count() != timesteps.Length)
            {
                allNotes.Add("two points round to the same integer timestep; pass sigmas instead");
            }
        }
        else
        {
            json.WriteNull("timesteps");
            allNotes.Add("continuous-time model: pass sigmas, not timesteps");
        }

        WriteNumbers(json, "sigmas", sigmas);
        json.WriteString("usage", timesteps is not null
            ? $"pipe.scheduler = {scheduler}.from_config(pipe.scheduler.config, **config); pipe(..., timesteps=timesteps)"
            : $"pipe.scheduler = {scheduler}.from_config(pipe.scheduler.config, **config); pipe(..., sigmas=sigmas)");
        json.WriteString("exact", "pipe.scheduler = schedule_search.diffusers.ScheduleSearchScheduler.from_schedule(<the json export>, pipe.scheduler.config); pipe(..., num_inference_steps=pipe.scheduler.nfe) runs every step exactly");
        if (replaced > 0)
        {
            allNotes.Add($"the schedule ends at sigma {PlainDecimal.Format(replaced)}; the sigmas end at 0 as diffusers expects");
        }

        json.WriteStartArray("notes");
        foreach (var note in allNotes)
        {
            json.WriteStringValue(note);
        }

        json.WriteEndArray();
        WriteExpected(json, winner);
        WriteProvenance(json, winner);
        json.WriteEndObject();
    }

    /// <inheritdoc />
    public TargetRun? TargetRunOf(ExportedSchedule winner, out string? why)
    {
        ArgumentNullException.ThrowIfNull(winner);
        var schedule = winner.Schedule;
        var (main, _) = SolverFamily.Summarize(schedule);
        var timesteps = ExportSigmas.DiscreteTimesteps(winner);
        var (scheduler, config, _) = Scheduler(main, schedule, winner.Noise, timesteps is not null);
        if (winner.Noise is not (VpDiscreteSchedule or VpLinearSchedule))
        {
            why = $"the tool scores diffusers' view of variance-preserving models only (this model is '{winner.Noise.Kind}')";
            return null;
        }

        string? Setting(string key) => config.FirstOrDefault(c => c.Key == key).Value is { } v ? Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) : null;
        var order = Setting("solver_order") is { } o ? int.Parse(o, System.Globalization.CultureInfo.InvariantCulture) : 1;
        var preset = scheduler switch
        {
            "EulerDiscreteScheduler" => "euler",
            "HeunDiscreteScheduler" => "heun",
            "DPMSolverMultistepScheduler" when order == 1 => "ddim",
            "DPMSolverMultistepScheduler" when Setting("algorithm_type") == "dpmsolver++" => order == 2 ? "dpm-solver++-2m" : "dpm-solver++-3m",
            "DPMSolverMultistepScheduler" when order == 2 => "dpm-solver-2m",
            _ => null,
        };
        if (preset is null)
        {
            why = $"diffusers' {scheduler} with these settings is not one of the tool's presets";
            return null;
        }

        // The points diffusers evaluates: the integer timesteps' sigmas for a discrete model, then its final sigma.
        double[] sigmas;
        if (timesteps is not null && winner.Noise is VpDiscreteSchedule vp)
        {
            var points = timesteps.Select(k => ExportSigmas.Sigma(vp, (k + 1.0) / vp.TrainSteps)).ToList();
            points.Add(Setting("final_sigmas_type") == "sigma_min" ? ExportSigmas.Sigma(vp, vp.TMin) : 0.0);
            sigmas = [.. points];
        }
        else
        {
            sigmas = ExportSigmas.Of(winner).Sigmas;
        }

        // DPMSolverMultistep's second-order update is the midpoint form with lower_order_final below 15 steps, as the
        // tool's presets; its heun form or no lower order at the end is not.
        var exact = scheduler is not "DPMSolverMultistepScheduler" || order == 1
            || (Setting("solver_type") != "heun" && Setting("lower_order_final") != "False" && sigmas.Length - 1 < 15);
        why = null;
        return new TargetRun
        {
            Segments = TargetRun.Whole(preset, sigmas),
            Sigmas = sigmas,
            ModelCalls = TargetCalls.Of(scheduler, schedule.Steps.Length, endsAtZero: true),
            Exact = exact,
            Description = $"diffusers {scheduler} on these {(timesteps is not null ? "integer timesteps" : "sigmas")}, run by the tool as its {preset} preset in the VE view on the same sigmas (in float64; diffusers' float32 sigma table is not reproduced)"
                + (exact ? string.Empty : " (an approximation of the scheduler: its settings differ from the preset's rules)"),
        };
    }

    /// <summary>
    /// The scheduler class for a family, among those whose <c>set_timesteps</c> takes custom timesteps in current
    /// diffusers (DPMSolverMultistep, DPMSolverSinglestep, EulerDiscrete, HeunDiscrete; EulerDiscrete also takes
    /// sigmas, for continuous-time models), its config overrides, and a note when it stands in for another class.
    /// </summary>
    public static (string Scheduler, List<(string Key, object Value)> Config, string? Note) Scheduler(
        SolverFamily main, Core.Schedules.SamplerSchedule schedule, NoiseSchedule noise, bool discreteTimesteps)
    {
        ArgumentNullException.ThrowIfNull(main);
        ArgumentNullException.ThrowIfNull(schedule);
        var config = new List<(string, object)>();
        var order = Math.Clamp(main.Order, 1, 3);
        string? note = null;
        string scheduler;
        if (!discreteTimesteps)
        {
            // Only EulerDiscreteScheduler takes custom sigmas without flow-matching settings.
            config.Add(("use_karras_sigmas", false));
            return ("EulerDiscreteScheduler", config, main.Name is "euler" or "ddim" ? null
                : "for a continuous-time model only EulerDiscreteScheduler takes custom sigmas in current diffusers; it runs every step as an Euler step");
        }

        switch (main.Name)
        {
            case "dpm-solver-singlestep":
            case "dpm-solver++-singlestep":
                scheduler = "DPMSolverSinglestepScheduler";
                config.Add(("solver_order", order));
                config.Add(("algorithm_type", main.Name.StartsWith("dpm-solver++", StringComparison.Ordinal) ? "dpmsolver++" : "dpmsolver"));
                break;
            case "euler":
                scheduler = "EulerDiscreteScheduler";
                break;
            case "heun":
                scheduler = "HeunDiscreteScheduler";
                break;
            default:
                scheduler = "DPMSolverMultistepScheduler";
                config.Add(("solver_order", order));
                config.Add(("algorithm_type", main.Name == "dpm-solver" ? "dpmsolver" : "dpmsolver++"));
                config.Add(("solver_type", schedule.Steps.Any(s => s.Derivative == Core.Schedules.DerivativeForm.Taylor) ? "heun" : "midpoint"));
                note = main.Name switch
                {
                    "unipc-bh1" or "unipc-bh2" => "UniPCMultistepScheduler takes no custom timesteps in current diffusers (sigmas only with use_flow_sigmas), so DPMSolverMultistepScheduler of the same order runs these UniPC steps, without the corrector",
                    "deis" => "DEISMultistepScheduler takes no custom timesteps in current diffusers, so DPMSolverMultistepScheduler of the same order runs these DEIS steps",
                    "ipndm" => "IPNDMScheduler takes no custom timesteps in current diffusers, so DPMSolverMultistepScheduler runs these iPNDM steps",
                    "plms" => "PNDMScheduler takes no custom timesteps in current diffusers, so DPMSolverMultistepScheduler runs these PLMS steps",
                    _ when main.Order > 3 => "DPMSolverMultistepScheduler goes up to order 3",
                    _ => null,
                };
                break;
        }

        if (scheduler is "DPMSolverMultistepScheduler" or "DPMSolverSinglestepScheduler")
        {
            // The schedule's own last steps say whether the order drops at the end (diffusers' lower_order_final).
            config.Add(("lower_order_final", schedule.Steps[^1].Order < order));
        }

        config.Add(("use_karras_sigmas", false));
        if (noise is VpDiscreteSchedule vp && scheduler is "DPMSolverMultistepScheduler" or "DPMSolverSinglestepScheduler" or "EulerDiscreteScheduler")
        {
            // diffusers appends the final sigma itself: the last training sigma (t = 1/N) or 0.
            config.Add(("final_sigmas_type", Math.Abs(schedule.Timesteps[^1] - vp.TMin) < 1e-9 ? "sigma_min" : "zero"));
        }

        return (scheduler, config, note);
    }
}
