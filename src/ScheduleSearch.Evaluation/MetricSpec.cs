namespace ScheduleSearch.Evaluation;

/// <summary>
/// How candidates are scored (a search spec's "metric" block, FORMATS.md): the metric, the scoring and held-out
/// noise sets, and the teacher that defines the reference. Part of every evaluation's cache key.
/// </summary>
public sealed record MetricSpec
{
    /// <summary>teacher-rmse (root of the mean squared error), teacher-mean-rmse (mean of per-sample RMSEs), teacher-relative, fd, kid or gmm-nll.</summary>
    public string Kind { get; init; } = "teacher-rmse";

    /// <summary>Samples in the scoring noise set.</summary>
    public int Samples { get; init; } = 1024;

    /// <summary>Seed of the scoring noise set.</summary>
    public int Seed { get; init; }

    /// <summary>Samples in the held-out noise set (winners and baselines are re-scored there).</summary>
    public int HeldOutSamples { get; init; } = 1024;

    /// <summary>Seed of the held-out noise set.</summary>
    public int HeldOutSeed { get; init; } = 1;

    /// <summary>
    /// True when samples are latents scored as the images the model card's VAE decoder draws from them (the spec's
    /// <c>"decode": true</c>): teacher metrics compare the decoded sample with the decoded teacher sample value by value,
    /// fd and kid take their features of decoded images. gmm-nll, defined on the latents, cannot decode.
    /// </summary>
    public bool Decode { get; init; }

    /// <summary>The high-accuracy schedule whose outputs are the reference.</summary>
    public TeacherSpec Teacher { get; init; } = new();
}
