using System.Text.Json;
using ScheduleSearch.Core.Formatting;
using ScheduleSearch.Core.Noise;

namespace ScheduleSearch.Export;

/// <summary>
/// <c>diffusers</c>: <c>timesteps</c> (N ints in [0, 999], descending, discrete-time models only) for
/// <c>set_timesteps(timesteps=...)</c>, <c>sigmas</c> (N+1, final 0), the closest scheduler class with config
/// overrides, and notes on what that scheduler cannot express.
/// </summary>
public sealed class DiffusersScheduleExporter : ScheduleExporterBase
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
        json.WriteNumber("nfe", schedule.Nfe);
        var (scheduler, config) = Scheduler(main, schedule, winner.Noise);
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
            ? $"scheduler = {scheduler}.from_config(pipe.scheduler.config, **config); pipe(..., timesteps=timesteps)"
            : $"scheduler = {scheduler}.from_config(pipe.scheduler.config, **config); pipe(..., sigmas=sigmas[:-1])");
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
        WriteProvenance(json, winner);
        json.WriteEndObject();
    }

    private static (string Scheduler, List<(string Key, object Value)> Config) Scheduler(SolverFamily main, Core.Schedules.SamplerSchedule schedule, NoiseSchedule noise)
    {
        var config = new List<(string, object)>();
        var order = Math.Max(1, main.Order);
        string scheduler;
        switch (main.Name)
        {
            case "unipc-bh1":
            case "unipc-bh2":
                scheduler = "UniPCMultistepScheduler";
                config.Add(("solver_order", order));
                config.Add(("solver_type", main.Name == "unipc-bh1" ? "bh1" : "bh2"));
                config.Add(("predict_x0", schedule.Steps.Count(s => s.Prediction == Core.Schedules.Prediction.Data) * 2 >= schedule.Steps.Length));
                var disabled = schedule.Steps.Select((s, i) => (s, i))
                    .Where(p => p.i < schedule.Steps.Length - 1 && p.s.Corrector != Core.Schedules.CorrectorKind.UniC)
                    .Select(p => p.i).ToArray();
                config.Add(("disable_corrector", disabled));
                break;
            case "dpm-solver-singlestep":
            case "dpm-solver++-singlestep":
                scheduler = "DPMSolverSinglestepScheduler";
                config.Add(("solver_order", order));
                config.Add(("algorithm_type", main.Name.StartsWith("dpm-solver++", StringComparison.Ordinal) ? "dpmsolver++" : "dpmsolver"));
                break;
            case "deis":
                scheduler = "DEISMultistepScheduler";
                config.Add(("solver_order", order));
                break;
            case "euler":
                scheduler = "EulerDiscreteScheduler";
                break;
            case "heun":
                scheduler = "HeunDiscreteScheduler";
                break;
            case "ipndm":
                scheduler = "IPNDMScheduler";
                break;
            case "plms":
                scheduler = "PNDMScheduler";
                config.Add(("skip_prk_steps", true));
                break;
            default:
                scheduler = "DPMSolverMultistepScheduler";
                config.Add(("solver_order", order));
                config.Add(("algorithm_type", main.Name == "dpm-solver" ? "dpmsolver" : "dpmsolver++"));
                config.Add(("solver_type", schedule.Steps.Any(s => s.Derivative == Core.Schedules.DerivativeForm.Taylor) ? "heun" : "midpoint"));
                break;
        }

        if (scheduler is "DPMSolverMultistepScheduler" or "UniPCMultistepScheduler" or "DPMSolverSinglestepScheduler" or "DEISMultistepScheduler")
        {
            // The schedule's own last steps say whether the order drops at the end (diffusers' lower_order_final).
            config.Add(("lower_order_final", schedule.Steps[^1].Order < order));
        }

        config.Add(("use_karras_sigmas", false));
        if (noise is VpDiscreteSchedule vp && scheduler is "DPMSolverMultistepScheduler" or "UniPCMultistepScheduler" or "DPMSolverSinglestepScheduler")
        {
            // diffusers appends the final sigma itself: the last training sigma (t = 1/N) or 0.
            config.Add(("final_sigmas_type", Math.Abs(schedule.Timesteps[^1] - vp.TMin) < 1e-9 ? "sigma_min" : "zero"));
        }

        return (scheduler, config);
    }
}
