using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation.Metrics;
using ScheduleSearch.Evaluation.NoiseSets;
using ScheduleSearch.Evaluation.References;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Evaluation;

/// <summary>
/// What an evaluation's cache key is computed from, apart from the schedule: the model's content hash, the metric
/// in its canonical JSON (kind, feature network and reference statistics by name, teacher) and the noise sets.
/// Built from names and hashes only, so keys can be computed without opening a network; <c>run</c> writes it onto
/// the search record (<see cref="ToJson"/>), so readers find a search's scores by the keys it used.
/// </summary>
public sealed record EvaluationIdentity
{
    // @2 since issue 20: "metric" is the metric's name, and teacher-rmse the root of the mean squared error. In @1
    // "metric" teacher-rmse was the mean of per-sample RMSEs, now teacher-mean-rmse (metric_json, the key bytes, is the
    // same in both, as MetricCatalog.KeyKind keeps it).
    private const string Format = "schedule-search/evaluation-identity@2";

    private const string LegacyFormat = "schedule-search/evaluation-identity@1";

    /// <summary>The model's content hash (guidance included).</summary>
    public required string ModelContentHash { get; init; }

    /// <summary>The metric's name, e.g. "fd" or "teacher-mean-rmse" (not the kind it is keyed under, <see cref="MetricCatalog.KeyKind"/>).</summary>
    public required string Metric { get; init; }

    /// <summary>The metric spec in the canonical JSON form hashed into every key (the noise sets are in the noise spec).</summary>
    public required string MetricJson { get; init; }

    /// <summary>The scoring noise set: its seed and samples.</summary>
    public required NoiseSpec Main { get; init; }

    /// <summary>The held-out noise set: its seed and samples.</summary>
    public required NoiseSpec HeldOut { get; init; }

    /// <summary>The fewest samples the metric can score (<see cref="IQualityMetric.MinimumSamples"/>).</summary>
    public int MinimumSamples { get; init; } = 1;

    /// <summary>
    /// The identity of scoring by <paramref name="spec"/> on the model with <paramref name="modelContentHash"/>, fd and kid
    /// comparing features of the extractor named <paramref name="featuresName"/> (null: the samples themselves) and fd
    /// measuring against the statistics named <paramref name="referenceStatisticsName"/> (null: the teacher's samples).
    /// </summary>
    public static EvaluationIdentity For(string modelContentHash, MetricSpec spec, string? featuresName = null, string? referenceStatisticsName = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelContentHash);
        ArgumentNullException.ThrowIfNull(spec);
        return For(modelContentHash, spec, MetricCatalog.Create(spec.Kind), featuresName, referenceStatisticsName);
    }

    /// <summary>As <see cref="For(string, MetricSpec, string?, string?)"/> for a metric already created.</summary>
    internal static EvaluationIdentity For(string modelContentHash, MetricSpec spec, IQualityMetric metric, string? featuresName, string? referenceStatisticsName, NoiseSpec? scoringNoise = null) => new()
    {
        ModelContentHash = modelContentHash,
        Metric = spec.Kind,
        MetricJson = CanonicalMetricJson(spec, metric, featuresName ?? IdentityFeatures.Instance.Name, referenceStatisticsName),
        Main = scoringNoise ?? new NoiseSpec(spec.Seed, spec.Samples),
        HeldOut = new NoiseSpec(spec.HeldOutSeed, spec.HeldOutSamples),
        MinimumSamples = metric.MinimumSamples,
    };

    /// <summary>The noise a request scores on: its own set, or the main or held-out seed; the first Fidelity samples (default: the whole set).</summary>
    public NoiseSpec NoiseSpecFor(EvaluationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var set = request.Noise ?? (request.HeldOut ? HeldOut : Main);
        var fidelity = request.Fidelity ?? set.Samples;
        if (fidelity < 1 || fidelity > set.Samples)
        {
            throw new ArgumentOutOfRangeException(nameof(request), fidelity, $"fidelity must be between 1 and the {(request.Noise is not null ? "requested" : request.HeldOut ? "held-out" : "scoring")} set's {set.Samples} samples");
        }

        if (fidelity < MinimumSamples)
        {
            throw new ArgumentOutOfRangeException(nameof(request), fidelity, $"metric {Metric} needs at least {(MinimumSamples == 2 ? "two" : MinimumSamples)} samples");
        }

        return set with { Samples = fidelity };
    }

    /// <summary>The cache key of <paramref name="schedule"/> under <paramref name="request"/>.</summary>
    public string KeyOf(SamplerSchedule schedule, EvaluationRequest request) => KeyOf(schedule, NoiseSpecFor(request).ToCanonicalJson());

    /// <summary>The cache key of <paramref name="schedule"/> on the noise whose canonical JSON is <paramref name="noiseJson"/>.</summary>
    internal string KeyOf(SamplerSchedule schedule, string noiseJson)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return EvaluationKey.Compute(ModelContentHash, MetricJson, noiseJson, CandidateText.Canonical(schedule));
    }

    /// <summary>The identity as JSON, as stored on a search record (<see cref="SearchRecord.KeyContextJson"/>).</summary>
    public string ToJson() => Write(w =>
    {
        w.WriteString("format", Format);
        w.WriteString("model", ModelContentHash);
        w.WriteString("metric", Metric);
        w.WriteString("metric_json", MetricJson);
        foreach (var (name, set) in new[] { ("main", Main), ("held_out", HeldOut) })
        {
            w.WriteStartObject(name);
            w.WriteNumber("seed", set.Seed);
            w.WriteNumber("samples", set.Samples);
            if (set.ContentHash is { } hash)
            {
                w.WriteString("content", hash);
            }

            w.WriteEndObject();
        }

        w.WriteNumber("minimum_samples", MinimumSamples);
    });

    /// <summary>Reads <see cref="ToJson"/>'s form; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static EvaluationIdentity FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var format = root.GetProperty("format").GetString();
            if (format != Format && format != LegacyFormat)
            {
                throw new FormatException($"evaluation identity: format is not \"{Format}\"");
            }

            var metric = root.GetProperty("metric").GetString() ?? throw new FormatException("evaluation identity: metric is null");

            static NoiseSpec Set(JsonElement e) => new(e.GetProperty("seed").GetInt32(), e.GetProperty("samples").GetInt32())
            {
                ContentHash = e.TryGetProperty("content", out var content) ? content.GetString() : null,
            };
            return new EvaluationIdentity
            {
                ModelContentHash = root.GetProperty("model").GetString() ?? throw new FormatException("evaluation identity: model is null"),
                Metric = format == LegacyFormat ? MetricCatalog.NameOfKeyKind(metric) : metric,
                MetricJson = root.GetProperty("metric_json").GetString() ?? throw new FormatException("evaluation identity: metric_json is null"),
                Main = Set(root.GetProperty("main")),
                HeldOut = Set(root.GetProperty("held_out")),
                MinimumSamples = root.GetProperty("minimum_samples").GetInt32(),
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"evaluation identity: {e.Message}", e);
        }
    }

    private static string CanonicalMetricJson(MetricSpec spec, IQualityMetric metric, string featuresName, string? referenceStatisticsName)
    {
        // Fields in name order; a field that does not change the score stays out, so adding one never moves old keys.
        var reference = metric.UsesReferenceStatistics ? referenceStatisticsName : null;
        return Write(w =>
        {
            if (spec.Decode)
            {
                w.WriteBoolean("decode", true);
            }

            if (metric.UsesFeatures)
            {
                w.WriteString("features", featuresName);
            }

            w.WriteString("kind", MetricCatalog.KeyKind(spec.Kind));
            if (reference is not null)
            {
                w.WriteString("reference", reference);
            }

            if (metric.NeedsTeacherWith(reference is not null))
            {
                w.WritePropertyName("teacher");
                w.WriteRawValue(TeacherReferences.CanonicalJson(spec.Teacher));
            }
        });
    }

    private static string Write(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
