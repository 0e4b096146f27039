using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ScheduleSearch.Core.Json;

namespace ScheduleSearch.Core.Schedules;

/// <summary>
/// Reads and writes <c>schedule-search/schedule@1</c> (FORMATS.md). Reading is strict: unknown and missing
/// fields are errors that name the field. Writing is the readable form; <see cref="ScheduleKey"/> has the canonical one.
/// </summary>
public static class ScheduleJson
{
    /// <summary>The format tag of a schedule file.</summary>
    public const string Format = "schedule-search/schedule@1";

    private static readonly string[] TopFields = ["format", "name", "nfe", "time", "timesteps", "steps", "options", "statistics", "ems", "provenance"];
    private static readonly string[] StepFields =
        ["method", "order", "prediction", "derivative", "corrector", "time_shift", "compensation", "model"];

    private static readonly string[] OptionFields = ["denoise_to_zero", "afs", "momentum", "clip_order", "time_shift_window", "ems_degenerated"];

    /// <summary>Parses a schedule; <paramref name="source"/> (a file name) prefixes every error message.</summary>
    public static SamplerSchedule Read(string json, string source = "schedule")
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException ex)
        {
            throw new ScheduleFormatException($"{source}: not valid JSON ({ex.Message})", ex);
        }

        using (doc)
        {
            var root = new StrictJsonObject(doc.RootElement, string.Empty, source, ScheduleJsonDialect.Instance, TopFields);
            var format = root.RequiredString("format");
            if (format != Format)
            {
                throw root.Error("format", $"expected \"{Format}\", got \"{format}\"");
            }

            var name = root.OptionalString("name") ?? "unnamed";
            var time = root.RequiredString("time");
            var timesteps = root.RequiredArray("timesteps").Select((t, i) => root.AsDouble(t, $"timesteps[{i}]")).ToList();
            var steps = root.RequiredArray("steps").Select((step, i) => ReadStep(root.AsObject(step, $"steps[{i}]", StepFields))).ToList();
            var options = root.OptionalObject("options", OptionFields) is { } optionsObject
                ? ReadOptions(optionsObject)
                : ScheduleOptions.Default;
            var schedule = new SamplerSchedule(name, time, timesteps, steps, options)
            {
                ProvenanceJson = root.Optional("provenance")?.GetRawText(),
                StatisticsFile = root.OptionalString("statistics"),
                EmsFile = root.OptionalString("ems"),
            };

            if (timesteps.Count != steps.Count + 1)
            {
                throw root.Error("timesteps", $"has {timesteps.Count} points but steps has {steps.Count} entries; expected {steps.Count + 1} points");
            }

            if (root.Optional("nfe") is { } nfeElement)
            {
                var nfe = root.AsInt(nfeElement, "nfe");
                var actual = Solvers.EvaluationPlan.Count(schedule);
                if (nfe != actual)
                {
                    throw root.Error("nfe", $"says {nfe} but the steps cost {actual} model evaluations");
                }
            }

            return schedule;
        }
    }

    /// <summary>
    /// Writes the readable form (every step's main fields spelled out), indented for files or compact (one line) for
    /// storage.
    /// </summary>
    public static string Write(SamplerSchedule schedule, bool indented = true)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("format", Format);
            w.WriteString("name", schedule.Name);
            w.WriteNumber("nfe", schedule.Nfe);
            w.WriteString("time", schedule.Time);
            w.WriteStartArray("timesteps");
            foreach (var t in schedule.Timesteps)
            {
                w.WriteNumberValue(t);
            }

            w.WriteEndArray();
            w.WriteStartArray("steps");
            foreach (var step in schedule.Steps)
            {
                WriteStep(w, step, canonical: false);
            }

            w.WriteEndArray();
            w.WriteStartObject("options");
            w.WriteBoolean("denoise_to_zero", schedule.Options.DenoiseToZero);
            w.WriteString("afs", ScheduleNames.Name(schedule.Options.Afs));
            w.WriteNumber("momentum", schedule.Options.Momentum);
            if (schedule.Options.ClipOrder)
            {
                w.WriteBoolean("clip_order", true);
            }

            if (schedule.Options.EmsDegenerated)
            {
                w.WriteBoolean("ems_degenerated", true);
            }

            if (schedule.Options.TimeShiftWindow != 0.0)
            {
                w.WriteNumber("time_shift_window", schedule.Options.TimeShiftWindow);
            }

            w.WriteEndObject();
            if (schedule.StatisticsFile is not null)
            {
                w.WriteString("statistics", schedule.StatisticsFile);
            }

            if (schedule.EmsFile is not null)
            {
                w.WriteString("ems", schedule.EmsFile);
            }

            if (schedule.ProvenanceJson is not null)
            {
                w.WritePropertyName("provenance");
                w.WriteRawValue(schedule.ProvenanceJson);
            }

            w.WriteEndObject();
        }

        var text = Encoding.UTF8.GetString(stream.ToArray());
        return indented ? text + "\n" : text;
    }

    /// <summary>Writes one step; in canonical form keys are sorted and defaults dropped.</summary>
    internal static void WriteStep(Utf8JsonWriter w, StepChoice step, bool canonical)
    {
        var d = StepChoice.Ddim;
        w.WriteStartObject();
        if (canonical)
        {
            // Alphabetical order; a field equal to its default is left out.
            if (step.Compensation != d.Compensation)
            {
                w.WriteNumber("compensation", step.Compensation);
            }

            if (step.Corrector != d.Corrector)
            {
                w.WriteString("corrector", ScheduleNames.Name(step.Corrector));
            }

            // At order 1 without a corrector every derivative form is the same first-order step.
            // DPM-Solver-v3 is not DDIM even at order 1 (its parameterisation differs).
            var derivativeMatters = step.Order > 1 || step.Corrector != CorrectorKind.None || step.IsDpmSolverV3;
            if (derivativeMatters && (step.Derivative != d.Derivative || step.Derivative == DerivativeForm.Linear))
            {
                w.WriteString("derivative", ScheduleNames.Name(step.Derivative, step.LinearC));
            }

            if (step.Method != d.Method)
            {
                w.WriteString("method", ScheduleNames.Name(step.Method));
            }

            if (step.Model is not null)
            {
                w.WriteString("model", step.Model);
            }

            if (step.Order != d.Order)
            {
                w.WriteNumber("order", step.Order);
            }

            if (step.Prediction != d.Prediction)
            {
                w.WriteString("prediction", ScheduleNames.Name(step.Prediction));
            }

            if (step.TimeShift != d.TimeShift)
            {
                w.WriteNumber("time_shift", step.TimeShift);
            }
        }
        else
        {
            w.WriteString("method", ScheduleNames.Name(step.Method));
            w.WriteNumber("order", step.Order);
            w.WriteString("prediction", ScheduleNames.Name(step.Prediction));
            w.WriteString("derivative", ScheduleNames.Name(step.Derivative, step.LinearC));
            w.WriteString("corrector", ScheduleNames.Name(step.Corrector));
            if (step.TimeShift != d.TimeShift)
            {
                w.WriteNumber("time_shift", step.TimeShift);
            }

            if (step.Compensation != d.Compensation)
            {
                w.WriteNumber("compensation", step.Compensation);
            }

            if (step.Model is not null)
            {
                w.WriteString("model", step.Model);
            }
        }

        w.WriteEndObject();
    }

    private static StepChoice ReadStep(StrictJsonObject e)
    {
        var step = new StepChoice();
        if (e.OptionalString("method") is { } method)
        {
            step = step with
            {
                Method = ScheduleNames.ParseMethod(method)
                    ?? throw e.Error(e.FieldPath("method"), $"unknown method \"{method}\"; expected one of {ScheduleNames.MethodNames}"),
            };
        }

        step = step with { Order = e.OptionalInt("order", step.Order) };
        if (e.OptionalString("prediction") is { } prediction)
        {
            step = step with
            {
                Prediction = ScheduleNames.ParsePrediction(prediction)
                    ?? throw e.Error(e.FieldPath("prediction"), $"unknown prediction \"{prediction}\"; expected one of {ScheduleNames.PredictionNames}"),
            };
        }

        if (e.OptionalString("derivative") is { } derivative)
        {
            var parsed = ScheduleNames.ParseDerivative(derivative)
                ?? throw e.Error(e.FieldPath("derivative"), $"unknown derivative \"{derivative}\"; expected one of {ScheduleNames.DerivativeNames}");
            step = step with { Derivative = parsed.Form, LinearC = parsed.LinearC };
        }

        if (e.OptionalString("corrector") is { } corrector)
        {
            step = step with
            {
                Corrector = ScheduleNames.ParseCorrector(corrector)
                    ?? throw e.Error(e.FieldPath("corrector"), $"unknown corrector \"{corrector}\"; expected one of {ScheduleNames.CorrectorNames}"),
            };
        }

        step = step with
        {
            TimeShift = e.OptionalDouble("time_shift", step.TimeShift),
            Compensation = e.OptionalDouble("compensation", step.Compensation),
        };

        // A step's model may be written as null: the schedule's own model (the one place where null means absent).
        if (e.Optional("model") is { ValueKind: not JsonValueKind.Null } model)
        {
            step = step with { Model = e.AsString(model, e.FieldPath("model")) };
        }

        return step;
    }

    private static ScheduleOptions ReadOptions(StrictJsonObject e)
    {
        var options = ScheduleOptions.Default;
        options = options with { DenoiseToZero = e.OptionalBool("denoise_to_zero", options.DenoiseToZero) };
        if (e.OptionalString("afs") is { } afs)
        {
            options = options with
            {
                Afs = ScheduleNames.ParseFirstStep(afs)
                    ?? throw e.Error("options.afs", $"unknown value \"{afs}\"; expected one of {ScheduleNames.FirstStepNames}"),
            };
        }

        return options with
        {
            Momentum = e.OptionalDouble("momentum", options.Momentum),
            ClipOrder = e.OptionalBool("clip_order", options.ClipOrder),
            TimeShiftWindow = e.OptionalDouble("time_shift_window", options.TimeShiftWindow),
            EmsDegenerated = e.OptionalBool("ems_degenerated", options.EmsDegenerated),
        };
    }
}
