namespace ScheduleSearch.Evaluation.Metrics;

/// <summary>The metrics a search spec may name.</summary>
public static class MetricCatalog
{
    /// <summary>Every metric name, in the order of FORMATS.md.</summary>
    public static IReadOnlyList<string> Names { get; } = ["teacher-rmse", "teacher-relative", "fd", "kid", "gmm-nll"];

    /// <summary>A new instance of the metric called <paramref name="name"/>; throws naming the known ones otherwise.</summary>
    public static IQualityMetric Create(string name) => name switch
    {
        "teacher-rmse" => new TeacherRmseMetric(),
        "teacher-relative" => new TeacherRelativeMetric(),
        "fd" => new FrechetDistanceMetric(),
        "kid" => new KernelInceptionDistanceMetric(),
        "gmm-nll" => new GmmNllMetric(),
        _ => throw new ArgumentException($"unknown metric '{name}'; expected one of {string.Join(", ", Names)}", nameof(name)),
    };
}
