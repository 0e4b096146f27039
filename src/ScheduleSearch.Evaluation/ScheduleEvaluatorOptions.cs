using ScheduleSearch.Evaluation.NoiseSets;
using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Evaluation.Metrics;
using ScheduleSearch.Models.Onnx;

namespace ScheduleSearch.Evaluation;

/// <summary>How a <see cref="ScheduleEvaluator"/> (its <see cref="Scoring.ScheduleScorer"/>) runs (nothing here changes a score, so nothing here is in the cache key).</summary>
public sealed record ScheduleEvaluatorOptions
{
    /// <summary>The default options.</summary>
    public static ScheduleEvaluatorOptions Default { get; } = new();

    /// <summary>
    /// Candidates evaluated at once, one sampler each (1 = sequential). Results are bit-identical to sequential
    /// evaluation; above 1 the denoiser must accept concurrent Predict calls (the GMM and ONNX denoisers do).
    /// </summary>
    public int DegreeOfParallelism { get; init; } = 1;

    /// <summary>Samples per sampler run of the teacher (one model call serves this many samples).</summary>
    public int TeacherBatch { get; init; } = 256;

    /// <summary>Verify each new teacher reference against twice its steps (doubles its cost; the figure is stored with it).</summary>
    public bool VerifyTeacher { get; init; } = true;

    /// <summary>
    /// The model's true mixture, for gmm-nll and flip rates; taken from a <see cref="GaussianMixtureDenoiser"/>
    /// when null (give it for an ONNX GMM model, read from its params.json).
    /// </summary>
    public GaussianMixture? Mixture { get; init; }

    /// <summary>The features fd and kid compare (default: the samples themselves). Its name is part of the metric's key.</summary>
    public IFeatureExtractor Features { get; init; } = IdentityFeatures.Instance;

    /// <summary>
    /// The card's VAE decoder, for a spec that decodes (<see cref="MetricSpec.Decode"/>): every metric then scores the
    /// images it draws of the samples against the images it draws of the teacher's samples (teacher metrics in pixels,
    /// fd and kid on features of images), and the per-sample errors beside the score are pixel errors too. Not read
    /// without <see cref="MetricSpec.Decode"/>; the spec's decode flag and the model's identity (the CLI hashes the
    /// decoder file into it) are in the key.
    /// </summary>
    public ILatentDecoder? Decoder { get; init; }

    /// <summary>Fixed data-set feature statistics for fd (in place of the teacher's samples); their name is part of the metric's key.</summary>
    public FeatureStatistics? ReferenceStatistics { get; init; }

    /// <summary>Receives the fraction done of a teacher reference being computed (0 to 1), or null (for progress displays).</summary>
    public IProgress<double>? TeacherProgress { get; init; }

    /// <summary>
    /// The data's mean and covariance (the card's statistics), for schedules that teleport, start with mean-x0 or match
    /// variances; null refuses those schedules as failed. Fixed per model, so not part of the key.
    /// </summary>
    public DataStatistics? Statistics { get; init; }

    /// <summary>
    /// The card's DPM-Solver-v3 empirical model statistics, for schedules with dpm-solver-v3 steps; null refuses those
    /// schedules as failed. Part of the model's identity (the CLI hashes the file into the model hash).
    /// </summary>
    public Core.Ems.EmsStatistics? Ems { get; init; }

    /// <summary>The card's other networks by name, for schedules whose steps name a model variant.</summary>
    public IReadOnlyDictionary<string, IDenoiser>? Variants { get; init; }

    /// <summary>
    /// Bytes of prefix states kept in memory (issue 6): candidates that share their first steps with one evaluated
    /// before resume from its state instead of recomputing it (bit-for-bit the same scores). 0 turns prefix sharing off.
    /// </summary>
    public long PrefixCacheBytes { get; init; } = DefaultPrefixCacheBytes;

    /// <summary>
    /// Default of <see cref="PrefixCacheBytes"/>: 1 GiB. On gmm-64 (1024 samples, about 2 MiB a state) 256 MiB held
    /// less than one generation's states and saved 21-24 % of the calls in evolution, 1 GiB 28-32 %, as much as an
    /// unbounded cache (bench/BENCHMARKS.md, "Prefix sharing").
    /// </summary>
    public const long DefaultPrefixCacheBytes = 1024L * 1024 * 1024;

    /// <summary>
    /// Candidates advanced side by side in lockstep with their model calls batched (issue 6): 0 or 1 evaluates one
    /// candidate at a time (with <see cref="DegreeOfParallelism"/>); above 1, up to this many candidates of one
    /// Evaluate call run at once, and each round of their model calls (the next call of each) runs as one call per
    /// network, rows at their own times, of at most <see cref="LockstepMaxRows"/> rows. Siblings in the prefix tree
    /// start from their parent's state when it is reached. It pays where a model call costs more than its rows (a
    /// GPU); the rounds are fixed by the candidates and their order, so scores are deterministic, and bit-identical
    /// to one at a time for a network whose rows do not interact (tested on the GMM and ONNX CPU models). A model
    /// whose rows stand for particular samples (class-conditional, guided) is evaluated one candidate at a time.
    /// </summary>
    public int LockstepCandidates { get; init; }

    /// <summary>
    /// Most rows in one batched model call of the lockstep mode (a round's calls beyond it run in several); no more
    /// than fit in 64 MiB of samples either (10,700 rows of 784 values). Each candidate of a wave also holds its own
    /// samples and solver history, so memory grows with <see cref="LockstepCandidates"/>.
    /// </summary>
    public int LockstepMaxRows { get; init; } = 65536;

    /// <summary>Clock for creation times of stored records.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>
    /// The user's own noise (<see cref="NoiseSet.FromValues"/>), scored on instead of the spec's scoring set (evaluate
    /// --noise): keys and the teacher on it are named by its content hash; the held-out set stays the spec's. Null: the
    /// spec's drawn set.
    /// </summary>
    public NoiseSet? ScoringNoise { get; init; }
}
