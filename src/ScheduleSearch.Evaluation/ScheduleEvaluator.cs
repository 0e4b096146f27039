using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Solvers;
using ScheduleSearch.Evaluation.Metrics;
using ScheduleSearch.Evaluation.Noise;
using ScheduleSearch.Evaluation.References;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Evaluation;

/// <summary>
/// Scores schedules on one model under one <see cref="MetricSpec"/>: fixed noise sets from the spec's seeds, the
/// teacher reference computed once and kept in the store, every score cached by
/// <see cref="EvaluationKey"/> so that nothing stored is ever recomputed (this is what makes a resumed search
/// cheap). One sampler run serves all samples of a candidate (one model call per NFE).
/// </summary>
/// <remarks>
/// Thread safety: <see cref="Evaluate"/> may be called from one thread at a time; it parallelises internally
/// when <see cref="ScheduleEvaluatorOptions.DegreeOfParallelism"/> &gt; 1, or runs waves of candidates in lockstep with
/// batched model calls when <see cref="ScheduleEvaluatorOptions.LockstepCandidates"/> &gt; 1. Cancellation stores the evaluations
/// already finished in the call before it throws, so Ctrl+C costs at most the evaluations in flight.
/// </remarks>
public sealed partial class ScheduleEvaluator : IScheduleEvaluator
{
    private readonly TimedDenoiser model;
    private readonly TimedDenoiser teacherModel;
    private readonly IScoreStore store;
    private readonly ScheduleEvaluatorOptions options;
    private readonly IQualityMetric metric;
    private readonly bool needsTeacher;
    private readonly GaussianMixture? mixture;
    private readonly MixtureLikelihood? likelihood;
    private readonly ConcurrentBag<Sampler> samplers = [];
    private readonly Dictionary<string, IDenoiser> variants = new(StringComparer.Ordinal);
    private readonly Lock referenceGate = new();
    private readonly Dictionary<(NoiseSpec Noise, double? TStart, double? TEnd), Prepared> sets = [];
    private readonly PrefixStateCache? prefixStates;
    private readonly LockstepRounds? lockstep;
    private long evaluations;
    private long callsSaved;
    private long prefixResumes;
    private long cacheHits;
    private long diverged;
    private long failed;
    private long totalTicks;
    private long teacherTicks;

    /// <summary>
    /// Creates an evaluator for <paramref name="denoiser"/>, whose model has content hash
    /// <paramref name="modelContentHash"/> (part of every key), scoring by <paramref name="spec"/> and caching in
    /// <paramref name="store"/>.
    /// </summary>
    public ScheduleEvaluator(IDenoiser denoiser, string modelContentHash, MetricSpec spec, IScoreStore store, ScheduleEvaluatorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentException.ThrowIfNullOrEmpty(modelContentHash);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(store);
        this.options = options ?? ScheduleEvaluatorOptions.Default;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spec.Samples, nameof(spec));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spec.HeldOutSamples, nameof(spec));
        model = new TimedDenoiser(denoiser);
        prefixStates = this.options.PrefixCacheBytes > 0 ? new PrefixStateCache(this.options.PrefixCacheBytes) : null;
        teacherModel = new TimedDenoiser(denoiser);
        foreach (var (name, variant) in this.options.Variants ?? new Dictionary<string, IDenoiser>())
        {
            variants[name] = new TimedDenoiser(variant);
        }

        // Rows of a sample-indexed model (class labels by sample) cannot be batched with another candidate's rows.
        lockstep = this.options.LockstepCandidates > 1 && !model.IsSampleIndexed && variants.Values.All(v => !((TimedDenoiser)v).IsSampleIndexed)
            ? new LockstepRounds(model, variants.ToDictionary(v => v.Key, v => (TimedDenoiser)v.Value, StringComparer.Ordinal), this.options.LockstepMaxRows)
            : null;
        ModelContentHash = modelContentHash;
        Spec = spec;
        this.store = store;
        metric = MetricCatalog.Create(spec.Kind);
        // fd against fixed data-set statistics never reads the teacher's samples: computing them (hundreds of NFE on
        // every noise set) would be wasted, and the teacher's spec stays out of its key.
        needsTeacher = metric.NeedsTeacher && !(metric is FrechetDistanceMetric && this.options.ReferenceStatistics is not null);
        mixture = this.options.Mixture ?? (denoiser as GaussianMixtureDenoiser)?.Mixture;
        if (metric.NeedsMixture && mixture is null)
        {
            throw new ArgumentException($"metric {spec.Kind} needs the model's Gaussian mixture: give ScheduleEvaluatorOptions.Mixture (from the model's params.json)", nameof(options));
        }

        if (mixture is not null && mixture.Dimension != denoiser.SampleSize)
        {
            throw new ArgumentException($"the mixture has dimension {mixture.Dimension} but the model's samples have {denoiser.SampleSize} values", nameof(options));
        }

        likelihood = mixture is null ? null : new MixtureLikelihood(mixture);
        if (metric is FrechetDistanceMetric or KernelInceptionDistanceMetric)
        {
            // Fail now on a feature network or reference statistics that do not fit the model.
            var features = this.options.Features.FeatureSize(denoiser.SampleSize);
            if (metric is FrechetDistanceMetric && this.options.ReferenceStatistics is { } statistics && statistics.Fit.Mean.Count != features)
            {
                throw new ArgumentException($"reference statistics '{statistics.Name}' have {statistics.Fit.Mean.Count} features; the feature extractor '{this.options.Features.Name}' gives {features}", nameof(options));
            }
        }

        if (needsTeacher)
        {
            // Fail now, not after the first batch, on a teacher that cannot be built on this model.
            _ = TeacherReferences.Schedule(denoiser, spec.Teacher);
        }

        MetricSpecJson = CanonicalMetricJson();
    }

    /// <inheritdoc />
    public string Metric => Spec.Kind;

    /// <summary>How candidates are scored.</summary>
    public MetricSpec Spec { get; }

    /// <summary>The model's content hash, part of every key.</summary>
    public string ModelContentHash { get; }

    /// <summary>The metric spec in the canonical JSON form hashed into every key (the noise sets are in the noise spec).</summary>
    public string MetricSpecJson { get; }

    /// <summary>What the evaluator has done so far.</summary>
    public EvaluatorCounters Counters => new()
    {
        Evaluations = Interlocked.Read(ref evaluations),
        CacheHits = Interlocked.Read(ref cacheHits),
        Diverged = Interlocked.Read(ref diverged),
        Failed = Interlocked.Read(ref failed),
        ModelCalls = model.Calls + variants.Values.Sum(v => v.Calls) - (lockstep?.Runs ?? 0) + (lockstep?.Requests ?? 0),
        ModelRuns = model.Calls + variants.Values.Sum(v => v.Calls),
        ModelCallsSaved = Interlocked.Read(ref callsSaved),
        PrefixResumes = Interlocked.Read(ref prefixResumes),
        ModelTime = model.Time + variants.Values.Aggregate(TimeSpan.Zero, (sum, v) => sum + ((TimedDenoiser)v).Time),
        TotalTime = Stopwatch.GetElapsedTime(0, Interlocked.Read(ref totalTicks)),
        TeacherModelCalls = teacherModel.Calls,
        TeacherTime = Stopwatch.GetElapsedTime(0, Interlocked.Read(ref teacherTicks)),
    };

    /// <summary>The noise a request scores on: the main or held-out seed, the first Fidelity samples (default: the whole set).</summary>
    public NoiseSpec NoiseSpecFor(EvaluationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (seed, size) = request.HeldOut ? (Spec.HeldOutSeed, Spec.HeldOutSamples) : (Spec.Seed, Spec.Samples);
        var fidelity = request.Fidelity ?? size;
        if (fidelity < 1 || fidelity > size)
        {
            throw new ArgumentOutOfRangeException(nameof(request), fidelity, $"fidelity must be between 1 and the {(request.HeldOut ? "held-out" : "scoring")} set's {size} samples");
        }

        if (fidelity < 2 && metric is FrechetDistanceMetric or KernelInceptionDistanceMetric)
        {
            throw new ArgumentOutOfRangeException(nameof(request), fidelity, $"metric {Spec.Kind} needs at least two samples");
        }

        return new NoiseSpec(seed, fidelity);
    }

    /// <summary>The cache key of <paramref name="schedule"/> under <paramref name="request"/>.</summary>
    public string KeyOf(SamplerSchedule schedule, EvaluationRequest request) =>
        EvaluationKey.Compute(ModelContentHash, MetricSpecJson, NoiseSpecFor(request).ToCanonicalJson(), CanonicalOrFallback(schedule));

    /// <summary>
    /// The teacher reference of the main (or held-out) noise set, computed and stored on first use. Call it
    /// ahead of a search to pay the teacher's cost up front; Evaluate calls it when it first needs it. Null for a
    /// metric without a teacher (gmm-nll).
    /// </summary>
    public TeacherReference? Teacher(bool heldOut = false, CancellationToken cancellationToken = default) =>
        Prepare(heldOut, cancellationToken).Teacher;

    /// <inheritdoc />
    public IReadOnlyList<ScoredSchedule> Evaluate(IReadOnlyList<SamplerSchedule> candidates, EvaluationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(request);
        var started = Stopwatch.GetTimestamp();
        var teacherBefore = Interlocked.Read(ref teacherTicks);
        try
        {
            return EvaluateCore(candidates, request, cancellationToken);
        }
        finally
        {
            var teacherSpent = Interlocked.Read(ref teacherTicks) - teacherBefore;
            Interlocked.Add(ref totalTicks, Stopwatch.GetTimestamp() - started - teacherSpent);
        }
    }

    private IReadOnlyList<ScoredSchedule> EvaluateCore(IReadOnlyList<SamplerSchedule> candidates, EvaluationRequest request, CancellationToken cancellationToken)
    {
        var noiseSpec = NoiseSpecFor(request);
        var noiseJson = noiseSpec.ToCanonicalJson();
        var keys = new string[candidates.Count];
        for (var i = 0; i < candidates.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(candidates[i], nameof(candidates));
            keys[i] = EvaluationKey.Compute(ModelContentHash, MetricSpecJson, noiseJson, CanonicalOrFallback(candidates[i]));
        }

        var stored = keys.Length == 0 ? new Dictionary<string, EvaluationRecord>() : store.GetEvaluations(keys.Distinct(), cancellationToken);
        var misses = new List<int>();
        var firstOf = new Dictionary<string, int>();
        for (var i = 0; i < keys.Length; i++)
        {
            if (!stored.ContainsKey(keys[i]) && firstOf.TryAdd(keys[i], i))
            {
                misses.Add(i);
            }
        }

        var computed = new EvaluationRecord?[candidates.Count];
        if (misses.Count > 0)
        {
            ComputeMisses(candidates, keys, misses, computed, request, noiseSpec, cancellationToken);
        }

        var results = new ScoredSchedule[candidates.Count];
        var hitKeys = new List<string>();
        for (var i = 0; i < candidates.Count; i++)
        {
            var own = computed[i];
            var record = own ?? (stored.TryGetValue(keys[i], out var s) ? s : computed[firstOf[keys[i]]]!);
            if (own is null)
            {
                Interlocked.Increment(ref cacheHits);
                if (stored.ContainsKey(keys[i]))
                {
                    hitKeys.Add(keys[i]);
                }
            }

            results[i] = new ScoredSchedule
            {
                Schedule = candidates[i],
                Key = record.Key,
                ScheduleKey = record.ScheduleKey,
                Nfe = record.Nfe,
                Score = record.Score,
                Fidelity = record.Fidelity,
                Status = record.Status,
                CacheHit = own is null,
                Duration = record.Duration,
                DetailsJson = record.DetailsJson,
            };
        }

        if (request.SearchName is { } search && hitKeys.Count > 0)
        {
            store.AddCacheHits(search, hitKeys.Distinct(), cancellationToken);
        }

        return results;
    }

    private void ComputeMisses(
        IReadOnlyList<SamplerSchedule> candidates,
        string[] keys,
        List<int> misses,
        EvaluationRecord?[] computed,
        EvaluationRequest request,
        NoiseSpec noiseSpec,
        CancellationToken cancellationToken)
    {
        // A teacher metric compares states at the same times: candidates over another time range get their own teacher.
        var prepared = new Prepared[candidates.Count];
        foreach (var i in misses)
        {
            var (tStart, tEnd) = TeacherRange(candidates[i]);
            prepared[i] = Prepare(request.HeldOut, tStart, tEnd, cancellationToken);
        }

        // Prefix sharing: visit the candidates in prefix-tree order, so that siblings follow each other while their
        // shared state is fresh in the cache. The order of evaluation changes no score; records are stored in candidate order.
        var order = prefixStates is null ? misses : [.. misses.OrderBy(i => TreeOrderKey(candidates[i]), StringComparer.Ordinal)];
        try
        {
            if (lockstep is not null)
            {
                for (var wave = 0; wave < order.Count; wave += options.LockstepCandidates)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    RunLockstep(lockstep, candidates, keys, order.GetRange(wave, Math.Min(options.LockstepCandidates, order.Count - wave)), computed, request, prepared, noiseSpec.Samples, cancellationToken);
                }

                return;
            }

            EvaluationRecord One(int i) => EvaluateOne(candidates[i], keys[i], request, prepared[i], noiseSpec.Samples, (x, token) => RunPooled(candidates[i], x, noiseSpec.Samples, request.HeldOut, token), cancellationToken);
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.DegreeOfParallelism), CancellationToken = cancellationToken };
            if (parallel.MaxDegreeOfParallelism == 1)
            {
                foreach (var i in order)
                {
                    computed[i] = One(i);
                }
            }
            else
            {
                Parallel.ForEach(order, parallel, i => computed[i] = One(i));
            }
        }
        finally
        {
            // Store what finished (also when cancelled or failing), in one transaction, in candidate order.
            var done = misses.Select(i => computed[i]).OfType<EvaluationRecord>().ToList();
            if (done.Count > 0)
            {
                store.AddEvaluations(done, CancellationToken.None);
            }
        }
    }

    /// <summary>Scores <paramref name="schedule"/>; <paramref name="run"/> runs its sampler over the initial states in place.</summary>
    private EvaluationRecord EvaluateOne(
        SamplerSchedule schedule,
        string key,
        EvaluationRequest request,
        Prepared prepared,
        int count,
        Action<double[], CancellationToken> run,
        CancellationToken cancellationToken)
    {
        var (noise, teacher, teacherComponents) = prepared;
        var started = Stopwatch.GetTimestamp();
        var size = noise.SampleSize;
        double score;
        EvaluationStatus status;
        string details;
        var problems = ScheduleValidator.Problems(schedule, model.Schedule);
        if (problems.Count > 0)
        {
            (score, status, details) = (double.PositiveInfinity, EvaluationStatus.Failed, ErrorJson("invalid schedule: " + string.Join("; ", problems), null));
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

            var nonFinite = runError is null ? CountNonFinite(x, count, size) : 0;
            if (runError is not null)
            {
                (score, status, details) = (double.PositiveInfinity, EvaluationStatus.Failed, ErrorJson(runError, null));
            }
            else if (nonFinite > 0)
            {
                (score, status, details) = (double.PositiveInfinity, EvaluationStatus.Diverged, ErrorJson("the sampler produced NaN or infinite values", nonFinite));
            }
            else
            {
                var teacherRows = teacher is null ? ReadOnlyMemory<double>.Empty : teacher.Samples[..(count * size)];
                var inputs = new MetricInputs
                {
                    SampleSize = size,
                    Teacher = teacherRows,
                    Mixture = mixture,
                    Features = options.Features,
                    ReferenceStatistics = options.ReferenceStatistics,
                };
                score = metric.Score(x, count, inputs, cancellationToken);
                status = double.IsFinite(score) ? EvaluationStatus.Ok : EvaluationStatus.Diverged;
                details = RobustSummary.Compute(x, count, size, teacherRows.Span, likelihood, teacherComponents).ToJson(count);
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
            ScheduleKey = ScheduleKeyOrFallback(schedule),
            ScheduleJson = ScheduleJsonOrFallback(schedule),
            Nfe = NfeOrSteps(schedule),
            Metric = Spec.Kind,
            Score = score,
            Fidelity = count,
            Status = status,
            Duration = Stopwatch.GetElapsedTime(started),
            SearchNames = request.SearchName is { } name ? [name] : [],
            Generation = request.Generation,
            Created = options.Clock.GetUtcNow(),
            DetailsJson = details,
        };
    }

    private void RunPooled(SamplerSchedule schedule, double[] x, int count, bool heldOut, CancellationToken cancellationToken)
    {
        var sampler = samplers.TryTake(out var s) ? s : new Sampler(model, options.Statistics, variants);
        try
        {
            RunShared(sampler, schedule, x, count, heldOut, cancellationToken);
        }
        finally
        {
            samplers.Add(sampler);
        }
    }

    /// <summary>
    /// Runs <paramref name="schedule"/> from the furthest of its prefix states held in the prefix cache (from the start when
    /// none is, or the cache is off) and keeps the states it passes that the cache lacks. A state depends on the noise
    /// set (main or held-out seed), the number of samples and the schedule prefix; the model is this evaluator's. (One
    /// run covers samples 0..count-1; a run over another range of samples, e.g. of a class-labelled model, would need
    /// its first sample in the key too.)
    /// </summary>
    private void RunShared(Sampler sampler, SamplerSchedule schedule, double[] x, int count, bool heldOut, CancellationToken cancellationToken)
    {
        if (prefixStates is null || schedule.Steps.Length < 1)
        {
            sampler.Run(schedule, x, count, null, cancellationToken);
            return;
        }

        var keys = PrefixKeys(schedule, count, heldOut);
        SamplerState? start = null;
        for (var k = schedule.Steps.Length - 1; k >= 0 && start is null; k--)
        {
            start = prefixStates.Get(keys[k]);
        }

        sampler.RunFrom(schedule, x, count, start, (k, capture) =>
        {
            if (!prefixStates.Contains(keys[k]))
            {
                prefixStates.Add(keys[k], capture());
            }
        }, cancellationToken);
        if (start is not null)
        {
            Interlocked.Increment(ref prefixResumes);
            Interlocked.Add(ref callsSaved, EvaluationPlan.CountBefore(schedule, start.Steps));
        }
    }

    /// <summary>The prefix-cache keys of <paramref name="schedule"/>'s states after 0, 1, ... steps: noise set, samples and prefix.</summary>
    private static string[] PrefixKeys(SamplerSchedule schedule, int count, bool heldOut)
    {
        var context = string.Create(CultureInfo.InvariantCulture, $"{(heldOut ? "held-out" : "main")}:{count}|");
        var keys = new string[schedule.Steps.Length];
        for (var k = 0; k < keys.Length; k++)
        {
            keys[k] = context + SamplerPrefix.Key(schedule, k);
        }

        return keys;
    }

    /// <summary>Sorting by this visits candidates depth-first through their prefix tree (a valid schedule's full prefix key).</summary>
    private string TreeOrderKey(SamplerSchedule schedule) =>
        ScheduleValidator.Problems(schedule, model.Schedule).Count == 0 && SamplerPrefix.CanCapture(schedule, schedule.Steps.Length - 1)
            ? SamplerPrefix.Key(schedule, schedule.Steps.Length - 1)
            : string.Empty;

    /// <summary>
    /// The time range of <paramref name="schedule"/> where it differs from the default teacher's (null where it agrees,
    /// and for metrics without a teacher or schedules that cannot run).
    /// </summary>
    private (double? TStart, double? TEnd) TeacherRange(SamplerSchedule schedule)
    {
        // Invalid schedules fail without running, so they never need a teacher of their own.
        if (!needsTeacher || ScheduleValidator.Problems(schedule, model.Schedule).Count > 0)
        {
            return (null, null);
        }

        static double? Differs(double value, double reference) =>
            Math.Abs(value - reference) <= 1e-12 * Math.Max(1.0, Math.Abs(reference)) ? null : value;
        var noise = model.Schedule;
        return (Differs(schedule.Timesteps[0], noise.DefaultTStart), Differs(schedule.Timesteps[^1], noise.DefaultTEnd));
    }

    private Prepared Prepare(bool heldOut, CancellationToken cancellationToken) => Prepare(heldOut, null, null, cancellationToken);

    private Prepared Prepare(bool heldOut, double? tStart, double? tEnd, CancellationToken cancellationToken)
    {
        var full = heldOut ? new NoiseSpec(Spec.HeldOutSeed, Spec.HeldOutSamples) : new NoiseSpec(Spec.Seed, Spec.Samples);
        var setKey = (full, tStart, tEnd);
        lock (referenceGate)
        {
            if (sets.TryGetValue(setKey, out var ready) && (ready.Teacher is not null || !needsTeacher))
            {
                return ready;
            }

            var started = Stopwatch.GetTimestamp();
            try
            {
                var noise = ready?.Noise ?? NoiseSet.Create(full, model.SampleSize);
                TeacherReference? teacher = null;
                if (needsTeacher)
                {
                    var run = new TeacherRunOptions
                    {
                        Batch = options.TeacherBatch,
                        DegreeOfParallelism = options.DegreeOfParallelism,
                        Verify = options.VerifyTeacher,
                        Progress = options.TeacherProgress,
                        Clock = options.Clock,
                    };
                    var teacherSpec = Spec.Teacher with { TStart = tStart, TEnd = tEnd };
                    teacher = TeacherReferences.GetOrCompute(teacherModel, ModelContentHash, teacherSpec, noise, store, run, cancellationToken);
                }

                // The teacher's components are fixed: computed once here, not once per candidate's flip rate.
                var components = teacher is not null && likelihood is not null ? likelihood.MostLikelyComponents(teacher.Samples.Span, teacher.Count) : null;
                return sets[setKey] = new Prepared(noise, teacher, components);
            }
            finally
            {
                Interlocked.Add(ref teacherTicks, Stopwatch.GetTimestamp() - started);
            }
        }
    }

    private string CanonicalMetricJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            if (metric is FrechetDistanceMetric or KernelInceptionDistanceMetric)
            {
                w.WriteString("features", options.Features.Name);
            }

            w.WriteString("kind", Spec.Kind);
            if (metric is FrechetDistanceMetric && options.ReferenceStatistics is { } statistics)
            {
                w.WriteString("reference", statistics.Name);
            }

            if (needsTeacher)
            {
                w.WritePropertyName("teacher");
                w.WriteRawValue(TeacherReferences.CanonicalJson(Spec.Teacher));
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static int CountNonFinite(double[] x, int count, int size)
    {
        var bad = 0;
        for (var i = 0; i < count; i++)
        {
            foreach (var v in x.AsSpan(i * size, size))
            {
                if (!double.IsFinite(v))
                {
                    bad++;
                    break;
                }
            }
        }

        return bad;
    }

    private static string ErrorJson(string message, int? nonFiniteSamples)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("error", message);
            if (nonFiniteSamples is { } n)
            {
                w.WriteNumber("nonfinite_samples", n);
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    // A schedule with non-finite timesteps has no canonical JSON (JSON has no NaN); such a candidate still gets a
    // stable key and a failed record rather than an exception.
    private static string CanonicalOrFallback(SamplerSchedule schedule)
    {
        try
        {
            return ScheduleKey.Canonical(schedule);
        }
        catch (ArgumentException)
        {
            return FallbackText(schedule);
        }
    }

    private static string ScheduleKeyOrFallback(SamplerSchedule schedule) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalOrFallback(schedule))));

    private static string ScheduleJsonOrFallback(SamplerSchedule schedule)
    {
        try
        {
            return ScheduleJson.Write(schedule);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return FallbackText(schedule);
        }
    }

    private static int NfeOrSteps(SamplerSchedule schedule)
    {
        try
        {
            return schedule.Nfe;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IndexOutOfRangeException)
        {
            return schedule.Steps.IsDefault ? 0 : schedule.Steps.Length;
        }
    }

    private static string FallbackText(SamplerSchedule schedule) =>
        "invalid-schedule:" + string.Join(",", schedule.Timesteps.Select(t => t.ToString("R", CultureInfo.InvariantCulture)))
        + ":" + string.Join(";", schedule.Steps.Select(s => s.ToString())) + ":" + schedule.Options;

    private sealed record Prepared(NoiseSet Noise, TeacherReference? Teacher, int[]? TeacherComponents);
}
