using System.Text.Json;
using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Json;
using ScheduleSearch.Core.Noise;

namespace ScheduleSearch.Models.Cards;

/// <summary>
/// Reads <c>schedule-search/model@1</c> cards strictly: unknown and missing fields, unknown enum spellings and
/// conventions that cannot go together are refused with a <see cref="ModelCardException"/> naming them.
/// </summary>
public static class ModelCardReader
{
    /// <summary>Reads the card at <paramref name="path"/>; relative paths in it resolve against its folder.</summary>
    public static ModelCard Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new ModelCardException($"model card '{path}' does not exist");
        }

        var full = Path.GetFullPath(path);
        return Parse(File.ReadAllText(full), full, Path.GetDirectoryName(full));
    }

    /// <summary>Parses card text; <paramref name="source"/> names it in errors, <paramref name="directory"/> anchors relative paths.</summary>
    public static ModelCard Parse(string json, string source = "model card", string? directory = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ModelCardException($"{source}: not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = CardJsonDialect.Object(document.RootElement, string.Empty, source);
            var format = root.RequiredString("format");
            if (format != CardNames.Format)
            {
                throw new ModelCardException($"{source}: 'format' is '{format}'; expected '{CardNames.Format}'");
            }

            var name = root.RequiredString("name");
            var onnx = root.RequiredString("onnx");
            var schedule = NoiseScheduleSpec.Read(root.RequiredObject("schedule"));
            var inputs = ReadInputs(root.RequiredObject("inputs"));
            var output = ReadOutput(root.RequiredObject("output"));
            var shape = root.RequiredIntArray("sample_shape");
            var (guidance, negative) = root.OptionalObject("guidance") is { } g ? ReadGuidance(g) : (null, null);
            var decoder = root.OptionalObject("decoder") is { } d ? ReadDecoder(d) : null;
            var statistics = root.OptionalString("statistics");
            var ems = root.OptionalString("ems");
            var variants = ReadVariants(root, source);
            root.EnsureNoUnknownFields();
            var card = new ModelCard
            {
                Name = name,
                Onnx = onnx,
                Schedule = schedule,
                Inputs = inputs,
                Output = output,
                SampleShape = shape,
                Guidance = guidance,
                Negative = negative,
                Decoder = decoder,
                Statistics = statistics,
                Ems = ems,
                Variants = variants,
                Directory = directory,
            };
            CheckConsistency(card, source);
            return card;
        }
    }

    /// <summary>Reads the optional "variants" list: [{ "name": ..., "onnx": ... }], names unique and not empty.</summary>
    private static List<ModelVariant> ReadVariants(StrictJsonObject root, string source)
    {
        var variants = new List<ModelVariant>();
        if (root.Optional("variants") is not { } array)
        {
            return variants;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new ModelCardException($"{source}: 'variants' must be an array of {{ \"name\", \"onnx\" }} objects");
        }

        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            var item = CardJsonDialect.Object(element, $"variants[{index}]", source);
            var variant = new ModelVariant(item.RequiredString("name"), item.RequiredString("onnx"));
            item.EnsureNoUnknownFields();
            if (variant.Name.Length == 0 || variants.Any(v => v.Name == variant.Name))
            {
                throw new ModelCardException($"{source}: 'variants[{index}].name' '{variant.Name}' is empty or used twice");
            }

            variants.Add(variant);
            index++;
        }

        return variants;
    }

    /// <summary>Checks the rules that tie fields together; throws naming the first broken one.</summary>
    public static void CheckConsistency(ModelCard card, string source = "model card")
    {
        ArgumentNullException.ThrowIfNull(card);
        if (card.SampleShape.Count == 0 || card.SampleShape.Any(d => d <= 0))
        {
            throw new ModelCardException($"{source}: 'sample_shape' must list at least one positive dimension");
        }

        var convention = card.Inputs.TimeConvention;
        var parameterization = card.Output.Parameterization;
        if (convention == TimeConvention.DiscreteIndex && card.Schedule.Kind != VpDiscreteSchedule.KindName)
        {
            throw new ModelCardException($"{source}: 'inputs.time_convention' discrete-index needs a vp-discrete schedule, not '{card.Schedule.Kind}'");
        }

        var veView = convention is TimeConvention.VeSigma or TimeConvention.EdmCNoise;
        if (veView && parameterization is Parameterization.V or Parameterization.Flow)
        {
            throw new ModelCardException(
                $"{source}: 'output.parameterization' {CardNames.Name(parameterization)} cannot go with time convention {CardNames.Name(convention)}; use epsilon, x0 or ve-denoiser");
        }

        if (convention == TimeConvention.EdmCNoise && parameterization == Parameterization.Epsilon)
        {
            throw new ModelCardException($"{source}: time convention edm-c-noise wraps EDM's preconditioned network F, whose composed output is a denoiser: use parameterization ve-denoiser");
        }

        if (!veView && parameterization == Parameterization.VeDenoiser)
        {
            throw new ModelCardException($"{source}: 'output.parameterization' ve-denoiser needs time convention ve-sigma or edm-c-noise, not {CardNames.Name(convention)}");
        }

        if (card.Inputs.Class is { } cls && card.Guidance is { } guidance && cls != guidance.ClassInput)
        {
            throw new ModelCardException($"{source}: 'inputs.class' is '{cls}' but 'guidance.class_input' is '{guidance.ClassInput}'");
        }

        if (card.Negative is not null && !card.IsTextConditioned)
        {
            throw new ModelCardException($"{source}: 'guidance.negative' needs 'inputs.conditioning' (the positive prompt arrays it replaces)");
        }

        if (card.Schedule.Shift != 1.0 && card.Schedule.Kind != FlowSchedule.KindName)
        {
            throw new ModelCardException($"{source}: 'schedule.shift' applies to flow schedules only");
        }

        if (card.Guidance is { } gs && (gs.NumClasses <= 0 || gs.NullClass < 0))
        {
            throw new ModelCardException($"{source}: 'guidance.num_classes' must be positive and 'guidance.null_class' non-negative");
        }
    }

    private static ModelInputs ReadInputs(StrictJsonObject json)
    {
        var sample = json.RequiredString("sample");
        var time = json.RequiredString("time");
        var convention = CardNames.ParseTimeConvention(json.RequiredString("time_convention"), json.FieldPath("time_convention"));
        var cls = json.OptionalString("class");
        var scale = json.OptionalDouble("time_scale", 1.0);
        var conditioning = StringMap(json, "conditioning");
        json.EnsureNoUnknownFields();
        if (json.Has("time_scale") && convention != TimeConvention.ContinuousT)
        {
            throw new ModelCardException($"{json.Source}: '{json.FieldPath("time_scale")}' only applies to time convention continuous-t");
        }

        if (conditioning is not null && cls is not null)
        {
            throw new ModelCardException($"{json.Source}: '{json.FieldPath("conditioning")}' and '{json.FieldPath("class")}' cannot go together: a model is conditioned on class labels or on prompt arrays");
        }

        var named = new[] { sample, time, cls }.OfType<string>().FirstOrDefault(n => conditioning?.ContainsKey(n) == true);
        if (named is not null)
        {
            throw new ModelCardException($"{json.Source}: '{json.FieldPath("conditioning")}.{named}' names the sample, time or class input");
        }

        return new ModelInputs(sample, time, convention, cls, scale) { Conditioning = conditioning ?? new SortedDictionary<string, string>(StringComparer.Ordinal) };
    }

    private static ModelOutput ReadOutput(StrictJsonObject json)
    {
        var name = json.RequiredString("name");
        var parameterization = CardNames.ParseParameterization(json.RequiredString("parameterization"), json.FieldPath("parameterization"));
        json.EnsureNoUnknownFields();
        return new ModelOutput(name, parameterization);
    }

    /// <summary>The class block (class_input, num_classes, null_class) or a text model's negative prompt, not both.</summary>
    private static (GuidanceSpec? Classes, SortedDictionary<string, string>? Negative) ReadGuidance(StrictJsonObject json)
    {
        if (json.Has("negative"))
        {
            var negative = StringMap(json, "negative");
            json.EnsureNoUnknownFields();
            return (null, negative);
        }

        var spec = new GuidanceSpec(json.RequiredString("class_input"), json.RequiredInt("num_classes"), json.RequiredInt("null_class"));
        json.EnsureNoUnknownFields();
        return (spec, null);
    }

    /// <summary>An object of string values (input name -> file), in ordinal order of the names; null when absent.</summary>
    private static SortedDictionary<string, string>? StringMap(StrictJsonObject json, string name)
    {
        if (json.Optional(name) is not { } map)
        {
            return null;
        }

        var path = json.FieldPath(name);
        if (map.ValueKind != JsonValueKind.Object)
        {
            throw json.Error(path, "must be an object of input name -> .npy file");
        }

        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in map.EnumerateObject())
        {
            values[property.Name] = json.AsString(property.Value, $"{path}.{property.Name}");
        }

        return values.Count > 0 ? values : throw json.Error(path, "must name at least one input");
    }

    private static DecoderSpec ReadDecoder(StrictJsonObject json)
    {
        var decoder = new DecoderSpec(json.RequiredString("onnx"), json.RequiredString("input"), json.RequiredString("output"), json.OptionalDouble("scale", 1.0), json.OptionalDouble("shift", 0.0));
        json.EnsureNoUnknownFields();
        if (!(decoder.Scale > 0) || !double.IsFinite(decoder.Shift))
        {
            throw new ModelCardException($"{json.Source}: '{json.FieldPath("scale")}' must be positive and '{json.FieldPath("shift")}' finite");
        }

        return decoder;
    }
}
