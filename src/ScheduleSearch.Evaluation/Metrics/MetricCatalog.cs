namespace ScheduleSearch.Evaluation.Metrics;

/// <summary>The metrics a search spec may name, and the kinds their scores are keyed and stored under.</summary>
public static class MetricCatalog
{
    /// <summary>
    /// The kind teacher-mean-rmse is hashed into cache keys and stored under: the name that metric had before issue 20,
    /// so the scores stored then keep their keys and their meaning.
    /// </summary>
    public const string LegacyTeacherRmse = "teacher-rmse";

    /// <summary>The kind teacher-rmse (the root of the mean squared error) is hashed into keys and stored under: a name never used before.</summary>
    public const string PooledTeacherRmse = "teacher-pooled-rmse";

    /// <summary>Every metric name, in the order of FORMATS.md.</summary>
    public static IReadOnlyList<string> Names { get; } = ["teacher-rmse", "teacher-mean-rmse", "teacher-relative", "fd", "kid", "gmm-nll"];

    /// <summary>A new instance of the metric called <paramref name="name"/>; throws naming the known ones otherwise.</summary>
    public static IQualityMetric Create(string name) => name switch
    {
        "teacher-rmse" => new TeacherRmseMetric(),
        "teacher-mean-rmse" => new TeacherMeanRmseMetric(),
        "teacher-relative" => new TeacherRelativeMetric(),
        "fd" => new FrechetDistanceMetric(),
        "kid" => new KernelInceptionDistanceMetric(),
        "gmm-nll" => new GmmNllMetric(),
        _ => throw new ArgumentException($"unknown metric '{name}'; expected one of {string.Join(", ", Names)}", nameof(name)),
    };

    /// <summary>
    /// Why the metric called <paramref name="name"/> cannot score decoded images (a spec's <c>"decode": true</c>), in words
    /// that name the metrics that can; null when it can (<see cref="IQualityMetric.ScoresDecodedImages"/>).
    /// </summary>
    public static string? DecodeProblem(string name) => Create(name).ScoresDecodedImages
        ? null
        : $"metric {name} scores the latents themselves; decoding applies to {string.Join(", ", Names.Where(n => Create(n).ScoresDecodedImages))} (they compare decoded images)";

    /// <summary>
    /// The kind a metric's scores are keyed and stored under (the "kind" of the canonical metric JSON hashed into every
    /// key, and <c>EvaluationRecord.Metric</c>): its name, except that teacher-mean-rmse keeps the bytes it had as
    /// teacher-rmse and the true RMSE takes a new one, so no stored key or record changes meaning.
    /// </summary>
    public static string KeyKind(string name) => name switch
    {
        "teacher-mean-rmse" => LegacyTeacherRmse,
        "teacher-rmse" => PooledTeacherRmse,
        _ => name,
    };

    /// <summary>The metric name of a stored kind (<see cref="KeyKind"/> read back): a record stored as teacher-rmse holds a teacher-mean-rmse score.</summary>
    public static string NameOfKeyKind(string keyKind) => keyKind switch
    {
        LegacyTeacherRmse => "teacher-mean-rmse",
        PooledTeacherRmse => "teacher-rmse",
        _ => keyKind,
    };
}
