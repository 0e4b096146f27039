using System.Collections.Immutable;
using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Solvers;
using ScheduleSearch.Core.Spacings;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Search.Tests.Support;

/// <summary>
/// A fake evaluator with the real one's contract: teacher RMSE on an exact Gaussian mixture, the store as cache,
/// new evaluations and cache hits written to the search's history. Counts what it really computes.
/// </summary>
internal sealed class ExactGmmEvaluator : IScheduleEvaluator
{
    private readonly GaussianMixtureDenoiser denoiser;
    private readonly DataStatistics statistics;
    private readonly Dictionary<string, IDenoiser> variants = [];
    private readonly IScoreStore store;
    private readonly int samples;
    private readonly double[] noiseMain;
    private readonly double[] noiseHeld;
    private readonly double[] referenceMain;
    private readonly double[] referenceHeld;
    private readonly int dimension;
    private readonly Dictionary<int, (double[] Noise, double[] Reference)> otherSets = [];

    /// <summary>Creates the evaluator; <paramref name="variant"/> names a model variant (the same exact network) schedules may call.</summary>
    public ExactGmmEvaluator(IScoreStore store, int samples = 48, int dimension = 6, int components = 3, string? variant = null)
    {
        this.store = store;
        this.samples = samples;
        this.dimension = dimension;
        var rng = new Random(42);
        var mixture = new GaussianMixture(
            Enumerable.Range(0, components).Select(_ => 1.0 / components).ToArray(),
            Enumerable.Range(0, components).Select(_ => Enumerable.Range(0, dimension).Select(_ => (rng.NextDouble() * 4) - 2).ToArray()).ToArray(),
            Enumerable.Range(0, components).Select(_ => Enumerable.Range(0, dimension).Select(_ => 0.05 + (0.3 * rng.NextDouble())).ToArray()).ToArray());
        Noise = VpDiscreteSchedule.Linear();
        denoiser = new GaussianMixtureDenoiser(mixture, Noise);
        statistics = DataStatistics.Of(mixture);
        if (variant is not null)
        {
            variants[variant] = new GaussianMixtureDenoiser(mixture, Noise);
        }

        noiseMain = Normal(1, samples * dimension);
        noiseHeld = Normal(2, samples * dimension);
        var teacher = PresetCatalog.Create("dpm-solver++-3m", Noise, 60, Spacing.LogSnrUniform);
        referenceMain = Run(teacher, noiseMain);
        referenceHeld = Run(teacher, noiseHeld);
    }

    /// <summary>What its keys are computed from (every instance keys alike; a fidelity does not change its scores, so not its keys).</summary>
    public static EvaluationIdentity Identity { get; } = EvaluationIdentity.For("exact-gmm-test", new MetricSpec { Samples = 48, Seed = 1, HeldOutSamples = 48, HeldOutSeed = 2 });

    public NoiseSchedule Noise { get; }

    public string Metric => "teacher-rmse";

    public List<string> Computed { get; } = [];

    public IReadOnlyList<ScoredSchedule> Evaluate(IReadOnlyList<SamplerSchedule> candidates, EvaluationRequest request, CancellationToken cancellationToken = default)
    {
        var results = new List<ScoredSchedule>();
        var records = new List<EvaluationRecord>();
        var hits = new List<string>();
        foreach (var schedule in candidates)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var scheduleKey = ScheduleKey.Compute(schedule);
            var key = Identity.KeyOf(schedule, request with { Fidelity = null });
            var cached = store.GetEvaluation(key);
            double score;
            if (cached is not null)
            {
                score = cached.Score;
                hits.Add(key);
            }
            else
            {
                Computed.Add((request.Noise is { } own ? $"seed{own.Seed}:" : request.HeldOut ? "held:" : "main:") + key);
                var (noise, reference) = request.Noise is { } set ? OtherSet(set.Seed) : request.HeldOut ? (noiseHeld, referenceHeld) : (noiseMain, referenceMain);
                var output = Run(schedule, noise);
                var sum = 0.0;
                for (var i = 0; i < output.Length; i++)
                {
                    sum += (output[i] - reference[i]) * (output[i] - reference[i]);
                }

                score = Math.Sqrt(sum / output.Length);
                score = double.IsFinite(score) ? score : double.PositiveInfinity;
                records.Add(new EvaluationRecord
                {
                    Key = key,
                    ScheduleKey = scheduleKey,
                    ScheduleJson = ScheduleJson.Write(schedule, indented: false),
                    Nfe = schedule.Nfe,
                    Metric = Metric,
                    Score = score,
                    Fidelity = samples,
                    Status = double.IsFinite(score) ? EvaluationStatus.Ok : EvaluationStatus.Diverged,
                    Duration = TimeSpan.Zero,
                    SearchNames = request.SearchName is { } n ? [n] : ImmutableArray<string>.Empty,
                    Generation = request.Generation,
                    Created = DateTimeOffset.UnixEpoch,
                });
            }

            results.Add(new ScoredSchedule
            {
                Schedule = schedule,
                Key = key,
                ScheduleKey = scheduleKey,
                Nfe = schedule.Nfe,
                Score = score,
                Fidelity = samples,
                Status = double.IsFinite(score) ? EvaluationStatus.Ok : EvaluationStatus.Diverged,
                CacheHit = cached is not null,
            });
        }

        store.AddEvaluations(records, cancellationToken);
        if (request.SearchName is { } name && hits.Count > 0)
        {
            store.AddCacheHits(name, hits, cancellationToken);
        }

        return results;
    }

    /// <summary>A drawn set of its own (racing, validation) with its teacher, made on first use: noise from 1000 + seed.</summary>
    private (double[] Noise, double[] Reference) OtherSet(int seed)
    {
        if (!otherSets.TryGetValue(seed, out var set))
        {
            var noise = Normal(1000 + seed, samples * dimension);
            set = otherSets[seed] = (noise, Run(PresetCatalog.Create("dpm-solver++-3m", Noise, 60, Spacing.LogSnrUniform), noise));
        }

        return set;
    }

    private double[] Run(SamplerSchedule schedule, double[] noise)
    {
        var x = (double[])noise.Clone();
        new Sampler(denoiser, statistics, variants).Run(schedule, x, samples);
        return x;
    }

    private static double[] Normal(int seed, int count)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble())).ToArray();
    }
}
