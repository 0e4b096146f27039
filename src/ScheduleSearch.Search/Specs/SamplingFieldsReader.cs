using System.Text.Json;

namespace ScheduleSearch.Search.Specs;

/// <summary>Reads the spec's <c>guidance</c> block and <c>metric.features</c> (what a trained network is scored with).</summary>
internal static class SamplingFieldsReader
{
    /// <summary>The fields of the guidance block.</summary>
    public static readonly string[] GuidanceFields = ["scale", "classes"];

    private static readonly string[] FeatureFields = ["onnx", "mean", "covariance"];

    /// <summary>Reads a guidance block.</summary>
    public static SampleGuidance Guidance(JsonFields f)
    {
        var guidance = SampleGuidance.None;
        if (f.Has("scale"))
        {
            // A non-negative finite number (1 = the conditional network alone, 0 = the unconditional one).
            guidance = guidance with { Scale = f.DoubleElement(f.Get("scale"), f.Field("scale")) };
        }

        if (f.Has("classes"))
        {
            var value = f.Get("classes");
            if (value.ValueKind == JsonValueKind.String)
            {
                if (value.GetString() != "cycle")
                {
                    throw f.Error(f.Field("classes"), $"is \"{value.GetString()}\"; expected \"cycle\" (sample i gets class i mod num_classes) or a list of class labels");
                }
            }
            else if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0)
            {
                guidance = guidance with { Classes = [.. f.List("classes").Select((e, i) => f.IntElement(e, $"{f.Field("classes")}[{i}]", 0))] };
            }
            else
            {
                throw f.Error(f.Field("classes"), $"must be \"cycle\" or a non-empty list of class labels, not {JsonFields.Describe(value)}");
            }
        }

        return guidance;
    }

    /// <summary>Reads <c>features</c> of the metric block <paramref name="metric"/>, whose kind is <paramref name="metricKind"/>.</summary>
    public static FeatureFiles Features(JsonFields metric, string metricKind, string baseDirectory)
    {
        if (FeatureFiles.Check(metricKind, false, false) is { } wrongMetric)
        {
            throw metric.Error(metric.Field("features"), wrongMetric.Problem);
        }

        var f = metric.Object("features", FeatureFields);
        var onnx = File(f, "onnx", baseDirectory);
        if (FeatureFiles.Check(metricKind, f.Has("mean"), f.Has("covariance")) is { } problem)
        {
            throw f.Error(f.Field(problem.Part), problem.Problem);
        }

        return f.Has("mean")
            ? new FeatureFiles(onnx, File(f, "mean", baseDirectory), File(f, "covariance", baseDirectory))
            : new FeatureFiles(onnx, null, null);
    }

    private static string File(JsonFields f, string name, string baseDirectory)
    {
        var text = f.String(name);
        var path = Path.GetFullPath(Path.IsPathRooted(text) ? text : Path.Combine(baseDirectory, text));
        return System.IO.File.Exists(path)
            ? path
            : throw f.Error(f.Field(name), $"file '{path}' does not exist");
    }
}
