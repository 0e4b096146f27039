using System.Diagnostics;
using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Solvers;
using ScheduleSearch.Evaluation.Metrics;
using ScheduleSearch.Evaluation.NoiseSets;
using ScheduleSearch.Evaluation.References;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Evaluation.Scoring;

/// <summary>
/// Scores schedules on one model under one <see cref="MetricSpec"/>, with no score cache: it prepares the fixed noise
/// sets and teachers (<see cref="ReferenceSets"/>, the only store it touches), runs the candidates by a run strategy
/// (one at a time, in parallel, or in lockstep with batched model calls) and turns each run into a record: scored,
/// diverged (NaN or infinite samples) or failed (an invalid schedule). <see cref="CachedEvaluator"/> puts the cache in front.
/// </summary>
public sealed class ScheduleScorer
{
    private readonly TimedDenoiser model;
    private readonly TimedDenoiser teacherModel;
    private readonly IReadOnlyDictionary<string, IDenoiser> variants;
    private readonly ScheduleEvaluatorOptions options;
    private readonly IQualityMetric metric;
    private readonly GaussianMixture? mixture;
    private readonly MixtureLikelihood? likelihood;
    private readonly ScoringSpace space;
    private readonly ReferenceSets sets;
    private readonly PrefixRunner runner;
    private readonly LockstepRounds? lockstep;
    private readonly IRunStrategy strategy;
    private long evaluations;
    private long diverged;
    private long failed;

    /// <summary>
    /// Creates a scorer for <paramref name="denoiser"/>, whose model has content hash <paramref name="modelContentHash"/>,
    /// scoring by <paramref name="spec"/>; teachers are kept in <paramref name="references"/>. Throws
    /// <see cref="ArgumentException"/> for a metric, feature network or teacher that does not fit the model.
    /// </summary>
    public ScheduleScorer(IDenoiser denoiser, string modelContentHash, MetricSpec spec, IReferenceStore references, ScheduleEvaluatorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentException.ThrowIfNullOrEmpty(modelContentHash);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(references);
        this.options = options ?? ScheduleEvaluatorOptions.Default;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spec.Samples, nameof(spec));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spec.HeldOutSamples, nameof(spec));
        model = new TimedDenoiser(denoiser);
        teacherModel = new TimedDenoiser(denoiser);
        var timedVariants = (this.options.Variants ?? new Dictionary<string, IDenoiser>())
            .ToDictionary(v => v.Key, v => new TimedDenoiser(v.Value), StringComparer.Ordinal);
        variants = timedVariants.ToDictionary(v => v.Key, v => (IDenoiser)v.Value, StringComparer.Ordinal);
        metric = MetricCatalog.Create(spec.Kind);
        space = ScoringSpace.For(spec, metric, this.options.Decoder, denoiser.SampleSize);
        var statistics = metric.UsesReferenceStatistics ? this.options.ReferenceStatistics : null;
        // fd against fixed data-set statistics never reads the teacher's samples: computing them (hundreds of NFE on
        // every noise set) would be wasted, and the teacher's spec stays out of its key.
        var needsTeacher = metric.NeedsTeacherWith(statistics is not null);
        mixture = this.options.Mixture ?? (denoiser as GaussianMixtureDenoiser)?.Mixture;
        if (metric.NeedsMixture && mixture is null)
        {
            throw new ArgumentException($"metric {spec.Kind} needs the model's Gaussian mixture: give ScheduleEvaluatorOptions.Mixture (from the model's params.json)", nameof(options));
        }

        if (mixture is not null && mixture.Dimension != denoiser.SampleSize)
        {
            throw new ArgumentException($"the mixture has dimension {mixture.Dimension} but the model's samples have {denoiser.SampleSize} values", nameof(options));
        }

        // The mixture is over latents: decoded images get no flip rates or likelihoods beside their score.
        likelihood = mixture is null || space.Decodes ? null : new MixtureLikelihood(mixture);
        if (metric.UsesFeatures)
        {
            // Fail now on a feature network or reference statistics that do not fit the model.
            var features = this.options.Features.FeatureSize(space.SampleSize);
            if (metric is FrechetDistanceMetric && features > FrechetDistanceMetric.MaxFeatures)
            {
                throw new ArgumentException($"fd compares {features} features per sample (feature extractor '{this.options.Features.Name}'); a Frechet distance takes at most {FrechetDistanceMetric.MaxFeatures} (its covariances are features x features): name a feature network with fewer outputs in metric.features", nameof(options));
            }

            if (statistics is not null && statistics.Fit.Mean.Count != features)
            {
                throw new ArgumentException($"reference statistics '{statistics.Name}' have {statistics.Fit.Mean.Count} features; the feature extractor '{this.options.Features.Name}' gives {features}", nameof(options));
            }
        }

        if (needsTeacher)
        {
            // Fail now, not after the first batch, on a teacher that cannot be built on this model.
            _ = TeacherReferences.Schedule(denoiser, spec.Teacher);
        }

        if (this.options.ScoringNoise is { } given && given.SampleSize != denoiser.SampleSize)
        {
            throw new ArgumentException($"the scoring noise {given.Spec.ContentHash} has {given.SampleSize} values per sample; the model's samples have {denoiser.SampleSize}", nameof(options));
        }

        Identity = EvaluationIdentity.For(modelContentHash, spec, metric, metric.UsesFeatures ? this.options.Features.Name : null, statistics?.Name, this.options.ScoringNoise?.Spec);
        Spec = spec;
        sets = new ReferenceSets(teacherModel, modelContentHash, spec, needsTeacher, likelihood, space, references, this.options);
        runner = new PrefixRunner(model, variants, this.options.Statistics, this.options.PrefixCacheBytes > 0 ? new PrefixStateCache(this.options.PrefixCacheBytes) : null, this.options.Ems);
        // Rows of a sample-indexed model (class labels by sample) cannot be batched with another candidate's rows.
        lockstep = this.options.LockstepCandidates > 1 && !model.IsSampleIndexed && timedVariants.Values.All(v => !v.IsSampleIndexed)
            ? new LockstepRounds(model, timedVariants, this.options.LockstepMaxRows)
            : null;
        strategy = lockstep is not null ? new LockstepRuns(lockstep, runner, this.options.Statistics, this.options.LockstepCandidates, this.options.Ems)
            : this.options.DegreeOfParallelism > 1 ? new ParallelRuns(runner, this.options.DegreeOfParallelism)
            : new SequentialRuns(runner);
    }

    /// <summary>What the keys of this scorer's evaluations are computed from.</summary>
    public EvaluationIdentity Identity { get; }

    /// <summary>How candidates are scored.</summary>
    public MetricSpec Spec { get; }

    /// <summary>What the scorer has done so far (cache hits and total time are the cache's to count).</summary>
    public EvaluatorCounters Counters => new()
    {
        Evaluations = Interlocked.Read(ref evaluations),
        Diverged = Interlocked.Read(ref diverged),
        Failed = Interlocked.Read(ref failed),
        ModelCalls = model.Calls + variants.Values.Sum(v => v.Calls) - (lockstep?.Runs ?? 0) + (lockstep?.Requests ?? 0),
        ModelRuns = model.Calls + variants.Values.Sum(v => v.Calls),
        ModelCallsSaved = runner.CallsSaved,
        PrefixResumes = runner.Resumes,
        ModelTime = model.Time + variants.Values.Aggregate(TimeSpan.Zero, (sum, v) => sum + ((TimedDenoiser)v).Time),
        TeacherModelCalls = teacherModel.Calls,
        TeacherTime = Stopwatch.GetElapsedTime(0, sets.TeacherTicks),
    };

    /// <summary>Time spent preparing noise sets and teachers, in <see cref="Stopwatch"/> ticks.</summary>
    internal long TeacherTicks => sets.TeacherTicks;

    /// <summary>
    /// The teacher reference of the main (or held-out) noise set, computed and stored on first use. Call it ahead of a
    /// search to pay the teacher's cost up front. Null for a metric without a teacher (gmm-nll, fd against statistics).
    /// </summary>
    public TeacherReference? Teacher(bool heldOut = false, CancellationToken cancellationToken = default) =>
        sets.Get(heldOut, null, null, cancellationToken).Teacher;

    /// <summary>
    /// Scores <paramref name="candidates"/> (their keys <paramref name="keys"/>) under <paramref name="request"/>, putting
    /// each record into <paramref name="results"/> (same index) as soon as it is done: on cancellation or failure what
    /// finished is there. The order of evaluation changes no score.
    /// </summary>
    public void Score(IReadOnlyList<SamplerSchedule> candidates, IReadOnlyList<string> keys, EvaluationRequest request, EvaluationRecord?[] results, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(results);
        var count = Identity.NoiseSpecFor(request).Samples;
        var prepared = new PreparedSet[candidates.Count];
        for (var i = 0; i < candidates.Count; i++)
        {
            var (tStart, tEnd) = sets.TeacherRange(candidates[i]);
            prepared[i] = sets.Get(request, tStart, tEnd, cancellationToken);
        }

        // Prefix sharing: visit the candidates in prefix-tree order, so that siblings follow each other while their
        // shared state is fresh in the cache.
        var all = Enumerable.Range(0, candidates.Count).ToList();
        var order = runner.Cache is null ? all : [.. all.OrderBy(i => runner.TreeOrderKey(candidates[i]), StringComparer.Ordinal)];
        var batch = new ScoringBatch(candidates, order, count, PrefixRunner.SetName(request), results, (i, run, token) =>
            ScoreOne(candidates[i], keys[i], request, prepared[i], count, run, token));
        strategy.Run(batch, cancellationToken);
    }

    /// <summary>Scores <paramref name="schedule"/>; <paramref name="run"/> runs its sampler over the initial states in place.</summary>
    private EvaluationRecord ScoreOne(
        SamplerSchedule schedule, string key, EvaluationRequest request, PreparedSet prepared, int count, Action<double[], CancellationToken> run, CancellationToken cancellationToken)
    {
        var (noise, teacher, teacherComponents, scoredTeacher) = prepared;
        var started = Stopwatch.GetTimestamp();
        var size = noise.SampleSize;
        double score;
        EvaluationStatus status;
        string details;
        var problems = ScheduleValidator.Problems(schedule, model.Schedule);
        if (problems.Count > 0)
        {
            (score, status, details) = (double.PositiveInfinity, EvaluationStatus.Failed, RunChecks.ErrorJson("invalid schedule: " + string.Join("; ", problems), null));
        }
        else
        {
            var x = new double[count * size];
            Sampler.InitialState(model.Schedule, schedule.Timesteps[0], noise.Prefix(count), x);
            string? runError = null;
            try
            {
                run(x, cancellationToken);
            }
            catch (ScheduleFormatException ex)
            {
                runError = ex.Message;
            }

            var nonFinite = runError is null ? RunChecks.CountNonFinite(x, count, size) : 0;
            if (runError is not null)
            {
                (score, status, details) = (double.PositiveInfinity, EvaluationStatus.Failed, RunChecks.ErrorJson(runError, null));
            }
            else if (nonFinite > 0)
            {
                (score, status, details) = (double.PositiveInfinity, EvaluationStatus.Diverged, RunChecks.ErrorJson("the sampler produced NaN or infinite values", nonFinite));
            }
            else
            {
                // Scored as they are, or as decoded images against the teacher's decoded images (ScoringSpace).
                var values = space.Of(x, count, cancellationToken);
                var teacherRows = teacher is null ? ReadOnlyMemory<double>.Empty : scoredTeacher[..(count * space.SampleSize)];
                score = metric.Score(values, count, Inputs(teacherRows), cancellationToken);
                status = double.IsFinite(score) ? EvaluationStatus.Ok : EvaluationStatus.Diverged;
                details = RobustSummary.Compute(values, count, space.SampleSize, teacherRows.Span, likelihood, teacherComponents).ToJson(count);
                if (!double.IsFinite(score))
                {
                    score = double.PositiveInfinity;
                }
            }
        }

        Interlocked.Increment(ref evaluations);
        if (status == EvaluationStatus.Diverged)
        {
            Interlocked.Increment(ref diverged);
        }
        else if (status == EvaluationStatus.Failed)
        {
            Interlocked.Increment(ref failed);
        }

        return new EvaluationRecord
        {
            Key = key,
            ScheduleKey = CandidateText.ScheduleKey(schedule),
            ScheduleJson = CandidateText.Json(schedule),
            Nfe = CandidateText.Nfe(schedule),
            Metric = MetricCatalog.KeyKind(Spec.Kind),
            Score = score,
            Fidelity = count,
            Status = status,
            Duration = Stopwatch.GetElapsedTime(started),
            SearchNames = request.SearchName is { } name ? [name] : [],
            Generation = request.Generation,
            Generator = request.Generator,
            Created = options.Clock.GetUtcNow(),
            DetailsJson = details,
        };
    }

    /// <summary>
    /// The main (or held-out) noise set, for samples run outside this scorer (an export's target run) that
    /// <see cref="ScoreSamples"/> then scores.
    /// </summary>
    public NoiseSet Noise(bool heldOut, CancellationToken cancellationToken = default) => sets.Get(heldOut, null, null, cancellationToken).Noise;

    /// <summary>
    /// The metric's score of <paramref name="x"/>, one row per draw of the main (or held-out) <see cref="Noise"/> set
    /// in its order, against that set's teacher (the model's default time range); +infinity when a value is not finite.
    /// Nothing is stored.
    /// </summary>
    public double ScoreSamples(double[] x, bool heldOut, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        var (noise, _, _, scoredTeacher) = sets.Get(heldOut, null, null, cancellationToken);
        var size = noise.SampleSize;
        var count = noise.Count;
        if (x.Length != count * size)
        {
            throw new ArgumentException($"expected {count} rows of {size} values, got {x.Length} values", nameof(x));
        }

        if (RunChecks.CountNonFinite(x, count, size) > 0)
        {
            return double.PositiveInfinity;
        }

        var score = metric.Score(space.Of(x, count, cancellationToken), count, Inputs(scoredTeacher), cancellationToken);
        return double.IsFinite(score) ? score : double.PositiveInfinity;
    }

    /// <summary>What the metric compares samples in the scoring space with (<paramref name="teacherRows"/>: the teacher's, in that space).</summary>
    private MetricInputs Inputs(ReadOnlyMemory<double> teacherRows) => new()
    {
        SampleSize = space.SampleSize,
        Teacher = teacherRows,
        Mixture = mixture,
        Features = options.Features,
        ReferenceStatistics = options.ReferenceStatistics,
    };
}
