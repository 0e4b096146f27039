using System.Diagnostics;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation.Scoring;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Evaluation;

/// <summary>
/// The score cache in front of a <see cref="ScheduleScorer"/> (as Optuna's cached storage wraps a backend): it computes
/// each candidate's key (<see cref="EvaluationIdentity"/>), answers what <paramref name="cache"/> holds, has the scorer
/// score each missing key once, stores what it scored in one transaction (also when cancelled or failing: Ctrl+C
/// costs at most the evaluations in flight) and records the hits in the search's history.
/// </summary>
/// <remarks>Thread safety: <see cref="Evaluate"/> may be called from one thread at a time.</remarks>
public sealed class CachedEvaluator(ScheduleScorer scorer, IEvaluationCache cache) : IScheduleEvaluator
{
    private readonly ScheduleScorer scorer = scorer ?? throw new ArgumentNullException(nameof(scorer));
    private readonly IEvaluationCache cache = cache ?? throw new ArgumentNullException(nameof(cache));
    private long cacheHits;
    private long totalTicks;

    /// <inheritdoc />
    public string Metric => scorer.Spec.Kind;

    /// <summary>What the keys are computed from.</summary>
    public EvaluationIdentity Identity => scorer.Identity;

    /// <summary>What the evaluator has done so far: the scorer's counts with the cache hits and the time outside teachers.</summary>
    public EvaluatorCounters Counters => scorer.Counters with
    {
        CacheHits = Interlocked.Read(ref cacheHits),
        TotalTime = Stopwatch.GetElapsedTime(0, Interlocked.Read(ref totalTicks)),
    };

    /// <inheritdoc />
    public IReadOnlyList<ScoredSchedule> Evaluate(IReadOnlyList<SamplerSchedule> candidates, EvaluationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(request);
        var started = Stopwatch.GetTimestamp();
        var teacherBefore = scorer.TeacherTicks;
        try
        {
            return EvaluateCore(candidates, request, cancellationToken);
        }
        finally
        {
            var teacherSpent = scorer.TeacherTicks - teacherBefore;
            Interlocked.Add(ref totalTicks, Stopwatch.GetTimestamp() - started - teacherSpent);
        }
    }

    private ScoredSchedule[] EvaluateCore(IReadOnlyList<SamplerSchedule> candidates, EvaluationRequest request, CancellationToken cancellationToken)
    {
        var noiseJson = Identity.NoiseSpecFor(request).ToCanonicalJson();
        var keys = new string[candidates.Count];
        for (var i = 0; i < candidates.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(candidates[i], nameof(candidates));
            keys[i] = Identity.KeyOf(candidates[i], noiseJson);
        }

        var stored = keys.Length == 0 ? new Dictionary<string, EvaluationRecord>() : cache.GetEvaluations(keys.Distinct(), cancellationToken);
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
            ScoreMisses(candidates, keys, misses, computed, request, cancellationToken);
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

            results[i] = ScoredSchedule.From(record, candidates[i], cacheHit: own is null);
        }

        if (request.SearchName is { } search && hitKeys.Count > 0)
        {
            cache.AddCacheHits(search, hitKeys.Distinct(), cancellationToken);
        }

        return results;
    }

    private void ScoreMisses(
        IReadOnlyList<SamplerSchedule> candidates, string[] keys, List<int> misses, EvaluationRecord?[] computed, EvaluationRequest request, CancellationToken cancellationToken)
    {
        var done = new EvaluationRecord?[misses.Count];
        try
        {
            scorer.Score([.. misses.Select(i => candidates[i])], [.. misses.Select(i => keys[i])], request, done, cancellationToken);
        }
        finally
        {
            // Store what finished (also when cancelled or failing), in one transaction, in candidate order.
            for (var m = 0; m < misses.Count; m++)
            {
                computed[misses[m]] = done[m];
            }

            var finished = done.OfType<EvaluationRecord>().ToList();
            if (finished.Count > 0)
            {
                cache.AddEvaluations(finished, CancellationToken.None);
            }
        }
    }
}
