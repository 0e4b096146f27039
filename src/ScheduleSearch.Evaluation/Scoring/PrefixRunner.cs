using System.Collections.Concurrent;
using System.Globalization;
using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Solvers;

namespace ScheduleSearch.Evaluation.Scoring;

/// <summary>
/// Runs one candidate's sampler on one model (a pooled <see cref="Sampler"/> per thread), from the furthest of its
/// prefix states held in the prefix cache (issue 6), keeping the states it passes that the cache lacks. Counts the
/// resumes and the model calls they saved. Thread-safe.
/// </summary>
internal sealed class PrefixRunner(TimedDenoiser model, IReadOnlyDictionary<string, IDenoiser> variants, DataStatistics? statistics, PrefixStateCache? cache, Core.Ems.EmsStatistics? ems = null)
{
    private readonly ConcurrentBag<Sampler> samplers = [];
    private long resumes;
    private long callsSaved;

    /// <summary>The prefix cache, or null when prefix sharing is off.</summary>
    public PrefixStateCache? Cache { get; } = cache;

    /// <summary>The model's noise schedule (what a candidate is validated against).</summary>
    public NoiseSchedule Noise => model.Schedule;

    /// <summary>Candidates that resumed from a cached or shared state.</summary>
    public long Resumes => Interlocked.Read(ref resumes);

    /// <summary>Model calls those resumes did not make.</summary>
    public long CallsSaved => Interlocked.Read(ref callsSaved);

    /// <summary>The name of the noise set <paramref name="request"/> scores on, in prefix-cache keys: main, held-out or its own seed.</summary>
    public static string SetName(EvaluationRequest request) =>
        request.Noise is { } own ? string.Create(CultureInfo.InvariantCulture, $"seed {own.Seed}") : request.HeldOut ? "held-out" : "main";

    /// <summary>
    /// The prefix-cache keys of <paramref name="schedule"/>'s states after 0, 1, ... steps. A state depends on the noise
    /// set (<paramref name="set"/>: <see cref="SetName"/>), the number of samples and the schedule prefix; the model is the
    /// runner's. (One run covers samples 0..count-1; a run over another range of samples, e.g. of a class-labelled model,
    /// would need its first sample in the key too.)
    /// </summary>
    public static string[] Keys(SamplerSchedule schedule, int count, string set)
    {
        var context = string.Create(CultureInfo.InvariantCulture, $"{set}:{count}|");
        var keys = new string[schedule.Steps.Length];
        for (var k = 0; k < keys.Length; k++)
        {
            keys[k] = context + SamplerPrefix.Key(schedule, k);
        }

        return keys;
    }

    /// <summary>Sorting by this visits candidates depth-first through their prefix tree (a valid schedule's full prefix key).</summary>
    public string TreeOrderKey(SamplerSchedule schedule) =>
        ScheduleValidator.Problems(schedule, model.Schedule).Count == 0 && SamplerPrefix.CanCapture(schedule, schedule.Steps.Length - 1)
            ? SamplerPrefix.Key(schedule, schedule.Steps.Length - 1)
            : string.Empty;

    /// <summary>Counts a candidate of <paramref name="schedule"/> that started from <paramref name="start"/>.</summary>
    public void CountResume(SamplerSchedule schedule, SamplerState start)
    {
        Interlocked.Increment(ref resumes);
        Interlocked.Add(ref callsSaved, EvaluationPlan.CountBefore(schedule, start.Steps));
    }

    /// <summary>Runs <paramref name="schedule"/> over the initial states <paramref name="x"/> in place, on a pooled sampler.</summary>
    public void Run(SamplerSchedule schedule, double[] x, int count, string set, CancellationToken cancellationToken)
    {
        var sampler = samplers.TryTake(out var s) ? s : new Sampler(model, statistics, variants, ems);
        try
        {
            RunShared(sampler, schedule, x, count, set, cancellationToken);
        }
        finally
        {
            samplers.Add(sampler);
        }
    }

    private void RunShared(Sampler sampler, SamplerSchedule schedule, double[] x, int count, string set, CancellationToken cancellationToken)
    {
        if (Cache is null || schedule.Steps.Length < 1)
        {
            sampler.Run(schedule, x, count, null, cancellationToken);
            return;
        }

        var keys = Keys(schedule, count, set);
        SamplerState? start = null;
        for (var k = schedule.Steps.Length - 1; k >= 0 && start is null; k--)
        {
            start = Cache.Get(keys[k]);
        }

        sampler.RunFrom(schedule, x, count, start, (k, capture) =>
        {
            if (!Cache.Contains(keys[k]))
            {
                Cache.Add(keys[k], capture());
            }
        }, cancellationToken);
        if (start is not null)
        {
            CountResume(schedule, start);
        }
    }
}
