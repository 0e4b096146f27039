namespace ScheduleSearch.Evaluation;

/// <summary>How a batch of candidates is to be scored.</summary>
public sealed record EvaluationRequest
{
    /// <summary>Score on the main noise set at the evaluator's default fidelity.</summary>
    public static readonly EvaluationRequest Default = new();

    /// <summary>Number of samples to score on (null = the evaluator's default, e.g. the spec's metric.samples).</summary>
    public int? Fidelity { get; init; }

    /// <summary>Score on the held-out noise set (another seed) instead of the main one.</summary>
    public bool HeldOut { get; init; }

    /// <summary>
    /// Score on this drawn noise set (seed and samples) instead of the main or held-out one: a search's racing and
    /// validation sets (null: the main or held-out set, as <see cref="HeldOut"/> says). Its seed and samples are in the key.
    /// </summary>
    public NoiseSets.NoiseSpec? Noise { get; init; }

    /// <summary>The search asking, recorded with new evaluations and cache hits (null for one-off evaluations).</summary>
    public string? SearchName { get; init; }

    /// <summary>The search's generation or round, recorded with new evaluations.</summary>
    public int Generation { get; init; }

    /// <summary>The search's generator (strategy phase) that proposed the batch, recorded with new evaluations (null: none).</summary>
    public string? Generator { get; init; }
}
