using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Search.Surrogates;

namespace ScheduleSearch.Search.Generators;

/// <summary>
/// S3's predictor-guided search: after a warm-up of evolution, a surrogate (ridge regression with random
/// Fourier features on <see cref="ScheduleFeatures"/>, trained on log-score) ranks thousands of children bred
/// from the best schedules; only the best-predicted few are evaluated for real, then it is retrained. Kendall's
/// tau between predictions and real scores of every evaluated batch is logged.
/// </summary>
public sealed class PredictorGuidedGenerator : ICandidateGenerator, ISurrogateDiagnostics
{
    private readonly GeneratorContext context;
    private readonly Random rng;
    private readonly Archive archive = new();
    private readonly EvolutionaryGenerator warmup;
    private readonly int warmupEvaluations;
    private readonly int proposals;
    private readonly List<double> pendingPredictions = [];
    private readonly List<(int TrainedOn, double Tau)> tauLog = [];
    private readonly double lambdaLo;
    private readonly double lambdaHi;
    private int told;
    private bool inWarmup = true;

    /// <summary>Creates the generator: <paramref name="warmupEvaluations"/> real evaluations of evolution first, then <paramref name="proposals"/> surrogate-ranked children per round.</summary>
    public PredictorGuidedGenerator(GeneratorContext context, int? warmupEvaluations = null, int proposals = 2000)
    {
        ArgumentNullException.ThrowIfNull(context);
        this.context = context;
        rng = new Random(context.Seed);
        archive.Add(context.Seeds);
        warmup = new EvolutionaryGenerator(context with { Seed = context.Seed + 7919 });
        this.warmupEvaluations = warmupEvaluations ?? Math.Clamp(context.Budget / 5, 50, 200);
        this.proposals = proposals;
        lambdaLo = context.Noise.Lambda(context.TStart);
        lambdaHi = context.Noise.Lambda(context.TEndLow);
    }

    /// <inheritdoc />
    public string Name => "predictor-guided";

    /// <inheritdoc />
    public double? LastKendallTau => tauLog.Count > 0 ? tauLog[^1].Tau : null;

    /// <inheritdoc />
    public IReadOnlyList<(int TrainedOn, double Tau)> KendallTauLog => tauLog;

    /// <inheritdoc />
    public IReadOnlyList<SamplerSchedule> Ask()
    {
        pendingPredictions.Clear();
        inWarmup = told < warmupEvaluations;
        if (inWarmup)
        {
            var batch = warmup.Ask();
            foreach (var s in batch)
            {
                archive.MarkAsked(s);
            }

            return batch;
        }

        var scored = archive.Items.Where(i => i.Schedule.Steps.Length <= context.Nfe).ToArray();
        var finite = scored.Where(i => double.IsFinite(i.Score) && i.Score > 0).Select(i => Math.Log(i.Score)).ToArray();
        var worst = finite.Length > 0 ? finite.Max() + 1 : 0;
        var surrogate = new RidgeSurrogate();
        surrogate.Fit(
            scored.Select(Encode).ToArray(),
            scored.Select(i => double.IsFinite(i.Score) && i.Score > 0 ? Math.Log(i.Score) : worst).ToArray(),
            context.Seed + told);

        var top = archive.Top(10);
        var pool = new List<(SamplerSchedule Schedule, double Predicted, string Key)>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var tries = 0; pool.Count < proposals && tries < proposals * 3; tries++)
        {
            var child = EvolutionaryGenerator.Breed(context, top, rng);
            if (child is null || archive.Seen(child))
            {
                continue;
            }

            var key = ScheduleKey.Compute(child);
            if (keys.Add(key))
            {
                pool.Add((child, surrogate.Predict(Encode(child)), key));
            }
        }

        var count = Math.Max(4, context.Population / 2);
        var chosen = pool.OrderBy(p => p.Predicted).Take(count).ToList();
        var result = new List<SamplerSchedule>();
        foreach (var c in chosen)
        {
            archive.MarkAsked(c.Schedule);
            result.Add(c.Schedule);
            pendingPredictions.Add(c.Predicted);
        }

        return result;
    }

    /// <inheritdoc />
    public void Tell(IReadOnlyList<ScoredSchedule> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        archive.Add(results);
        if (inWarmup)
        {
            warmup.Tell(results);
        }
        else
        {
            var predicted = new List<double>();
            var real = new List<double>();
            for (var i = 0; i < results.Count && i < pendingPredictions.Count; i++)
            {
                if (double.IsFinite(results[i].Score) && results[i].Score > 0)
                {
                    predicted.Add(pendingPredictions[i]);
                    real.Add(Math.Log(results[i].Score));
                }
            }

            if (predicted.Count >= 3)
            {
                tauLog.Add((told, KendallTau.Compute(predicted, real)));
            }
        }

        told += results.Count;
    }

    private double[] Encode(ScoredSchedule s) => Encode(s.Schedule);

    private double[] Encode(SamplerSchedule s) => ScheduleFeatures.Encode(s, context.Noise, context.Nfe, lambdaLo, lambdaHi);
}
