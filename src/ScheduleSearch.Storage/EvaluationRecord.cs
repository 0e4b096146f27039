using System.Collections.Immutable;

namespace ScheduleSearch.Storage;

/// <summary>
/// One scored schedule, immutable once stored: a store keeps the first record saved under a key and never
/// changes it. A re-score at another fidelity or on held-out noise has another metric or noise spec, hence
/// another <see cref="Key"/>, and is a record of its own.
/// </summary>
public sealed record EvaluationRecord
{
    /// <summary>The cache key, <see cref="EvaluationKey.Compute(string, string, string, string)"/>.</summary>
    public required string Key { get; init; }

    /// <summary>The schedule's key (<c>ScheduleKey.Compute</c>), shared by evaluations of one schedule under other metrics.</summary>
    public required string ScheduleKey { get; init; }

    /// <summary>The schedule as <c>schedule-search/schedule@1</c> JSON.</summary>
    public required string ScheduleJson { get; init; }

    /// <summary>Model evaluations the schedule costs.</summary>
    public required int Nfe { get; init; }

    /// <summary>The kind the metric is keyed under (MetricCatalog.KeyKind: "teacher-rmse" for teacher-mean-rmse, kept from before the true RMSE took that name; "teacher-pooled-rmse" for teacher-rmse); its full spec is part of the key.</summary>
    public required string Metric { get; init; }

    /// <summary>The score, lower is better; +infinity for diverged or failed evaluations.</summary>
    public required double Score { get; init; }

    /// <summary>The score on the held-out noise set where it was computed with this one, else null.</summary>
    public double? HeldOutScore { get; init; }

    /// <summary>The number of samples scored.</summary>
    public required int Fidelity { get; init; }

    /// <summary>How the evaluation ended.</summary>
    public required EvaluationStatus Status { get; init; }

    /// <summary>Wall time the evaluation took.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>The searches that computed it (usually one); searches that later found it in the cache are not listed here.</summary>
    public ImmutableArray<string> SearchNames { get; init; } = [];

    /// <summary>The generation (or round) of the search that computed it; 0 for baselines and single evaluations.</summary>
    public int Generation { get; init; }

    /// <summary>
    /// The generator (strategy phase) of the search that proposed it, as the generator names itself ("evolutionary",
    /// "composite/cma-timesteps", ...); null for baselines, single evaluations, distributed workers and evaluations
    /// stored before this was recorded.
    /// </summary>
    public string? Generator { get; init; }

    /// <summary>When it was computed.</summary>
    public required DateTimeOffset Created { get; init; }

    /// <summary>Optional JSON object of robust summaries (median per-sample error, flip rate, ...), else null.</summary>
    public string? DetailsJson { get; init; }

    /// <summary>Value equality, comparing <see cref="SearchNames"/> by content.</summary>
    public bool Equals(EvaluationRecord? other) =>
        other is not null && Key == other.Key && ScheduleKey == other.ScheduleKey && ScheduleJson == other.ScheduleJson
        && Nfe == other.Nfe && Metric == other.Metric && Score.Equals(other.Score) && Nullable.Equals(HeldOutScore, other.HeldOutScore)
        && Fidelity == other.Fidelity && Status == other.Status && Duration == other.Duration
        && SearchNames.SequenceEqual(other.SearchNames) && Generation == other.Generation && Generator == other.Generator
        && Created == other.Created && DetailsJson == other.DetailsJson;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Key, Score, Fidelity);
}
