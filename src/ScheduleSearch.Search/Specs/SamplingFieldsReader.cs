using System.Collections.Immutable;
using System.Text.Json;
using ScheduleSearch.Core.Json;

namespace ScheduleSearch.Search.Specs;

/// <summary>Reads the spec's <c>guidance</c> block and <c>metric.features</c> (what a trained network is scored with).</summary>
internal static class SamplingFieldsReader
{
    /// <summary>The fields of the guidance block.</summary>
    public static readonly string[] GuidanceFields = ["scale", "classes", "prompts"];

    private static readonly string[] FeatureFields = ["onnx", "mean", "covariance"];

    /// <summary>Reads a guidance block.</summary>
    public static SampleGuidance Guidance(StrictJsonObject f)
    {
        var guidance = SampleGuidance.None;
        if (f.Has("scale"))
        {
            // A non-negative finite number (1 = the conditional network alone, 0 = the unconditional one).
            guidance = guidance with { Scale = f.DoubleElement(f.Required("scale"), f.FieldPath("scale")) };
        }

        if (Rows(f, "classes", "sample i gets class i mod num_classes", "class labels") is { } classes)
        {
            guidance = guidance with { Classes = classes };
        }

        if (Rows(f, "prompts", "sample i gets row i mod P of the card's conditioning arrays", "prompt rows") is { } prompts)
        {
            guidance = guidance with { Prompts = prompts };
        }

        return guidance;
    }

    /// <summary>Reads "cycle" (null) or a non-empty list of non-negative integers from field <paramref name="name"/>.</summary>
    private static ImmutableArray<int>? Rows(StrictJsonObject f, string name, string cycle, string what)
    {
        if (!f.Has(name))
        {
            return null;
        }

        var value = f.Required(name);
        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString() == "cycle"
                ? null
                : throw f.Error(f.FieldPath(name), $"is \"{value.GetString()}\"; expected \"cycle\" ({cycle}) or a list of {what}");
        }

        if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0)
        {
            return [.. f.List(name).Select((e, i) => f.IntElement(e, $"{f.FieldPath(name)}[{i}]", 0))];
        }

        throw f.Error(f.FieldPath(name), $"must be \"cycle\" or a non-empty list of {what}, not {SpecJsonDialect.Describe(value)}");
    }

    /// <summary>Reads <c>features</c> of the metric block <paramref name="metric"/>, whose kind is <paramref name="metricKind"/>.</summary>
    public static FeatureFiles Features(StrictJsonObject metric, string metricKind, string baseDirectory)
    {
        if (FeatureFiles.Check(metricKind, false, false) is { } wrongMetric)
        {
            throw metric.Error(metric.FieldPath("features"), wrongMetric.Problem);
        }

        var f = metric.Object("features", FeatureFields);
        var onnx = File(f, "onnx", baseDirectory);
        if (FeatureFiles.Check(metricKind, f.Has("mean"), f.Has("covariance")) is { } problem)
        {
            throw f.Error(f.FieldPath(problem.Part), problem.Problem);
        }

        return f.Has("mean")
            ? new FeatureFiles(onnx, File(f, "mean", baseDirectory), File(f, "covariance", baseDirectory))
            : new FeatureFiles(onnx, null, null);
    }

    private static string File(StrictJsonObject f, string name, string baseDirectory)
    {
        var text = f.String(name);
        var path = Path.GetFullPath(Path.IsPathRooted(text) ? text : Path.Combine(baseDirectory, text));
        return System.IO.File.Exists(path)
            ? path
            : throw f.Error(f.FieldPath(name), $"file '{path}' does not exist");
    }
}
