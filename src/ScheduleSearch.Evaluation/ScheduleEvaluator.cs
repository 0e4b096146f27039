using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation.NoiseSets;
using ScheduleSearch.Evaluation.References;
using ScheduleSearch.Evaluation.Scoring;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Evaluation;

/// <summary>
/// Scores schedules on one model under one <see cref="MetricSpec"/>, cache first: a <see cref="CachedEvaluator"/>
/// over a <see cref="ScheduleScorer"/>, both over one store. Fixed noise sets from the spec's seeds, the teacher
/// reference computed once and kept in the store, every score cached by its key (<see cref="EvaluationIdentity"/>)
/// so that nothing stored is ever recomputed (this is what makes a resumed search cheap). One sampler run serves all
/// samples of a candidate (one model call per NFE).
/// </summary>
/// <remarks>
/// Thread safety: <see cref="Evaluate"/> may be called from one thread at a time; it parallelises internally
/// when <see cref="ScheduleEvaluatorOptions.DegreeOfParallelism"/> &gt; 1, or runs waves of candidates in lockstep with
/// batched model calls when <see cref="ScheduleEvaluatorOptions.LockstepCandidates"/> &gt; 1. Cancellation stores the evaluations
/// already finished in the call before it throws, so Ctrl+C costs at most the evaluations in flight.
/// </remarks>
public sealed class ScheduleEvaluator : IScheduleEvaluator
{
    private readonly ScheduleScorer scorer;
    private readonly CachedEvaluator cached;

    /// <summary>
    /// Creates an evaluator for <paramref name="denoiser"/>, whose model has content hash
    /// <paramref name="modelContentHash"/> (part of every key), scoring by <paramref name="spec"/> and caching in
    /// <paramref name="store"/>.
    /// </summary>
    public ScheduleEvaluator(IDenoiser denoiser, string modelContentHash, MetricSpec spec, IScoreStore store, ScheduleEvaluatorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        scorer = new ScheduleScorer(denoiser, modelContentHash, spec, store, options);
        cached = new CachedEvaluator(scorer, store);
    }

    /// <inheritdoc />
    public string Metric => Spec.Kind;

    /// <summary>How candidates are scored.</summary>
    public MetricSpec Spec => scorer.Spec;

    /// <summary>What every key is computed from (model hash, canonical metric, noise sets).</summary>
    public EvaluationIdentity Identity => scorer.Identity;

    /// <summary>The model's content hash, part of every key.</summary>
    public string ModelContentHash => Identity.ModelContentHash;

    /// <summary>The metric spec in the canonical JSON form hashed into every key (the noise sets are in the noise spec).</summary>
    public string MetricSpecJson => Identity.MetricJson;

    /// <summary>What the evaluator has done so far.</summary>
    public EvaluatorCounters Counters => cached.Counters;

    /// <summary>The noise a request scores on: the main or held-out seed, the first Fidelity samples (default: the whole set).</summary>
    public NoiseSpec NoiseSpecFor(EvaluationRequest request) => Identity.NoiseSpecFor(request);

    /// <summary>The cache key of <paramref name="schedule"/> under <paramref name="request"/>.</summary>
    public string KeyOf(SamplerSchedule schedule, EvaluationRequest request) => Identity.KeyOf(schedule, request);

    /// <inheritdoc cref="ScheduleScorer.Noise"/>
    public NoiseSet Noise(bool heldOut, CancellationToken cancellationToken = default) => scorer.Noise(heldOut, cancellationToken);

    /// <inheritdoc cref="ScheduleScorer.ScoreSamples"/>
    public double ScoreSamples(double[] x, bool heldOut, CancellationToken cancellationToken = default) => scorer.ScoreSamples(x, heldOut, cancellationToken);

    /// <summary>
    /// The teacher reference of the main (or held-out) noise set, computed and stored on first use. Call it
    /// ahead of a search to pay the teacher's cost up front; Evaluate calls it when it first needs it. Null for a
    /// metric without a teacher (gmm-nll).
    /// </summary>
    public TeacherReference? Teacher(bool heldOut = false, CancellationToken cancellationToken = default) =>
        scorer.Teacher(heldOut, cancellationToken);

    /// <inheritdoc />
    public IReadOnlyList<ScoredSchedule> Evaluate(IReadOnlyList<SamplerSchedule> candidates, EvaluationRequest request, CancellationToken cancellationToken = default) =>
        cached.Evaluate(candidates, request, cancellationToken);
}
