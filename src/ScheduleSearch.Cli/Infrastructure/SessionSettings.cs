using ScheduleSearch.Evaluation;
using ScheduleSearch.Models.Onnx;
using ScheduleSearch.Search.Specs;

namespace ScheduleSearch.Cli.Infrastructure;

/// <summary>
/// What a session samples and scores with beyond the card, device and metric: a spec's guidance and feature network,
/// the memory each evaluator may keep for prefix sharing (<c>--prefix-cache</c>), and how its model calls are batched
/// (<c>--lockstep</c>, <c>--max-batch</c>).
/// </summary>
public sealed record SessionSettings
{
    /// <summary>No guidance, no feature network, the default prefix cache.</summary>
    public static SessionSettings Default { get; } = new();

    /// <summary>The classifier-free guidance the samples are drawn with.</summary>
    public SampleGuidance Guidance { get; init; } = SampleGuidance.None;

    /// <summary>The feature network fd and kid compare in, or null.</summary>
    public FeatureFiles? Features { get; init; }

    /// <summary>Bytes of prefix states each evaluator keeps (0: sharing off).</summary>
    public long PrefixCacheBytes { get; init; } = ScheduleEvaluatorOptions.DefaultPrefixCacheBytes;

    /// <summary>Candidates each evaluator advances side by side with batched model calls (0: one at a time).</summary>
    public int LockstepCandidates { get; init; }

    /// <summary>Most rows of one ONNX run.</summary>
    public int MaxBatch { get; init; } = new OnnxDenoiserOptions().MaxBatch;

    /// <summary>The user's noise scored on instead of the spec's scoring set (<c>evaluate --noise</c>), or null.</summary>
    public NoiseFile? ScoringNoise { get; init; }
}
