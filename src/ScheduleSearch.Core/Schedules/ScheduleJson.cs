using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ScheduleSearch.Core.Schedules;

/// <summary>
/// Reads and writes <c>schedule-search/schedule@1</c> (FORMATS.md). Reading is strict: unknown and missing
/// fields are errors that name the field. Writing is the readable form; <see cref="ScheduleKey"/> has the canonical one.
/// </summary>
public static class ScheduleJson
{
    /// <summary>The format tag of a schedule file.</summary>
    public const string Format = "schedule-search/schedule@1";

    private static readonly HashSet<string> TopFields = ["format", "name", "nfe", "time", "timesteps", "steps", "options", "provenance"];
    private static readonly HashSet<string> StepFields =
        ["method", "order", "prediction", "derivative", "corrector", "time_shift", "compensation", "model"];

    private static readonly HashSet<string> OptionFields = ["denoise_to_zero", "afs", "momentum", "clip_order", "time_shift_window"];

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
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Error(source, "(root)", "expected a JSON object");
            }

            CheckFields(root, TopFields, source, string.Empty);
            var format = RequiredString(root, "format", source, string.Empty);
            if (format != Format)
            {
                throw Error(source, "format", $"expected \"{Format}\", got \"{format}\"");
            }

            var name = root.TryGetProperty("name", out var nameElement) ? AsString(nameElement, source, "name") : "unnamed";
            var time = RequiredString(root, "time", source, string.Empty);
            var timesteps = ReadTimesteps(Required(root, "timesteps", source, string.Empty), source);
            var stepsElement = Required(root, "steps", source, string.Empty);
            if (stepsElement.ValueKind != JsonValueKind.Array)
            {
                throw Error(source, "steps", "expected an array of step objects");
            }

            var steps = new List<StepChoice>();
            var index = 0;
            foreach (var step in stepsElement.EnumerateArray())
            {
                steps.Add(ReadStep(step, source, $"steps[{index}]"));
                index++;
            }

            var options = root.TryGetProperty("options", out var optionsElement)
                ? ReadOptions(optionsElement, source)
                : ScheduleOptions.Default;
            var schedule = new SamplerSchedule(name, time, timesteps, steps, options)
            {
                ProvenanceJson = root.TryGetProperty("provenance", out var provenance) ? provenance.GetRawText() : null,
            };

            if (timesteps.Count != steps.Count + 1)
            {
                throw Error(source, "timesteps", $"has {timesteps.Count} points but steps has {steps.Count} entries; expected {steps.Count + 1} points");
            }

            if (root.TryGetProperty("nfe", out var nfeElement))
            {
                var nfe = AsInt(nfeElement, source, "nfe");
                var actual = Solvers.EvaluationPlan.Count(schedule);
                if (nfe != actual)
                {
                    throw Error(source, "nfe", $"says {nfe} but the steps cost {actual} model evaluations");
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

            if (schedule.Options.TimeShiftWindow != 0.0)
            {
                w.WriteNumber("time_shift_window", schedule.Options.TimeShiftWindow);
            }

            w.WriteEndObject();
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
            var derivativeMatters = step.Order > 1 || step.Corrector != CorrectorKind.None;
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

    private static StepChoice ReadStep(JsonElement e, string source, string path)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw Error(source, path, "expected a step object");
        }

        CheckFields(e, StepFields, source, path);
        var step = new StepChoice();
        if (e.TryGetProperty("method", out var m))
        {
            var name = AsString(m, source, path + ".method");
            step = step with
            {
                Method = ScheduleNames.ParseMethod(name)
                    ?? throw Error(source, path + ".method", $"unknown method \"{name}\"; expected one of {ScheduleNames.MethodNames}"),
            };
        }

        if (e.TryGetProperty("order", out var o))
        {
            step = step with { Order = AsInt(o, source, path + ".order") };
        }

        if (e.TryGetProperty("prediction", out var p))
        {
            var name = AsString(p, source, path + ".prediction");
            step = step with
            {
                Prediction = ScheduleNames.ParsePrediction(name)
                    ?? throw Error(source, path + ".prediction", $"unknown prediction \"{name}\"; expected one of {ScheduleNames.PredictionNames}"),
            };
        }

        if (e.TryGetProperty("derivative", out var dv))
        {
            var name = AsString(dv, source, path + ".derivative");
            var parsed = ScheduleNames.ParseDerivative(name)
                ?? throw Error(source, path + ".derivative", $"unknown derivative \"{name}\"; expected one of {ScheduleNames.DerivativeNames}");
            step = step with { Derivative = parsed.Form, LinearC = parsed.LinearC };
        }

        if (e.TryGetProperty("corrector", out var c))
        {
            var name = AsString(c, source, path + ".corrector");
            step = step with
            {
                Corrector = ScheduleNames.ParseCorrector(name)
                    ?? throw Error(source, path + ".corrector", $"unknown corrector \"{name}\"; expected one of {ScheduleNames.CorrectorNames}"),
            };
        }

        if (e.TryGetProperty("time_shift", out var ts))
        {
            step = step with { TimeShift = AsDouble(ts, source, path + ".time_shift") };
        }

        if (e.TryGetProperty("compensation", out var cp))
        {
            step = step with { Compensation = AsDouble(cp, source, path + ".compensation") };
        }

        if (e.TryGetProperty("model", out var model) && model.ValueKind != JsonValueKind.Null)
        {
            step = step with { Model = AsString(model, source, path + ".model") };
        }

        return step;
    }

    private static ScheduleOptions ReadOptions(JsonElement e, string source)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw Error(source, "options", "expected an object");
        }

        CheckFields(e, OptionFields, source, "options");
        var options = ScheduleOptions.Default;
        if (e.TryGetProperty("denoise_to_zero", out var dz))
        {
            options = options with { DenoiseToZero = AsBool(dz, source, "options.denoise_to_zero") };
        }

        if (e.TryGetProperty("afs", out var afs))
        {
            var name = AsString(afs, source, "options.afs");
            options = options with
            {
                Afs = ScheduleNames.ParseFirstStep(name)
                    ?? throw Error(source, "options.afs", $"unknown value \"{name}\"; expected one of {ScheduleNames.FirstStepNames}"),
            };
        }

        if (e.TryGetProperty("momentum", out var mo))
        {
            options = options with { Momentum = AsDouble(mo, source, "options.momentum") };
        }

        if (e.TryGetProperty("clip_order", out var co))
        {
            options = options with { ClipOrder = AsBool(co, source, "options.clip_order") };
        }

        if (e.TryGetProperty("time_shift_window", out var tw))
        {
            options = options with { TimeShiftWindow = AsDouble(tw, source, "options.time_shift_window") };
        }

        return options;
    }

    private static List<double> ReadTimesteps(JsonElement e, string source)
    {
        if (e.ValueKind != JsonValueKind.Array)
        {
            throw Error(source, "timesteps", "expected an array of numbers");
        }

        var list = new List<double>();
        var i = 0;
        foreach (var item in e.EnumerateArray())
        {
            list.Add(AsDouble(item, source, $"timesteps[{i}]"));
            i++;
        }

        return list;
    }

    private static void CheckFields(JsonElement e, HashSet<string> allowed, string source, string path)
    {
        foreach (var property in e.EnumerateObject())
        {
            if (!allowed.Contains(property.Name))
            {
                var where = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                throw Error(source, where, $"unknown field; expected one of {string.Join(", ", allowed)}");
            }
        }
    }

    private static JsonElement Required(JsonElement e, string name, string source, string path) =>
        e.TryGetProperty(name, out var value)
            ? value
            : throw Error(source, path.Length == 0 ? name : $"{path}.{name}", "required field is missing");

    private static string RequiredString(JsonElement e, string name, string source, string path) =>
        AsString(Required(e, name, source, path), source, path.Length == 0 ? name : $"{path}.{name}");

    private static string AsString(JsonElement e, string source, string path) =>
        e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Error(source, path, $"expected a string, got {Describe(e)}");

    private static bool AsBool(JsonElement e, string source, string path) =>
        e.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(source, path, $"expected true or false, got {Describe(e)}"),
        };

    private static int AsInt(JsonElement e, string source, string path) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var v) ? v : throw Error(source, path, $"expected an integer, got {Describe(e)}");

    private static double AsDouble(JsonElement e, string source, string path)
    {
        if (e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out var v) && double.IsFinite(v))
        {
            return v;
        }

        throw Error(source, path, $"expected a finite number, got {Describe(e)}");
    }

    private static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => $"\"{e.GetString()}\"",
        JsonValueKind.Number => e.GetRawText(),
        _ => e.ValueKind.ToString().ToLower(CultureInfo.InvariantCulture),
    };

    private static ScheduleFormatException Error(string source, string path, string reason) => new($"{source}: {path}: {reason}");
}
