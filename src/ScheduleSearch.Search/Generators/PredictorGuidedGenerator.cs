using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Search.Operators;
using ScheduleSearch.Search.Surrogates;

namespace ScheduleSearch.Search.Generators;

/// <summary>
/// S3's predictor-guided search: after a warm-up run by another generator (evolution), a surrogate trained on the
/// log-scores of everything scored (by default a pairwise-ranking MLP on <see cref="ScheduleFeatures"/>) ranks
/// thousands of children bred from the best schedules; only the best-predicted few are evaluated for real, then it
/// is retrained (<see cref="PredictorGuidedOptions"/>; measured choices in bench/BENCHMARKS.md). Kendall's tau is logged three ways: on every evaluated batch
/// of the surrogate's picks (as S3 does), on probes of random children (unseen candidates of the distribution the
/// surrogate ranks) and cross-validated on the archive (<see cref="ISurrogateDiagnostics"/>).
/// </summary>
public sealed class PredictorGuidedGenerator : ICandidateGenerator, ISurrogateDiagnostics
{
    private readonly GeneratorContext context;
    private readonly PredictorGuidedOptions options;
    private readonly Random rng;
    private readonly Archive archive = new();
    private readonly ICandidateGenerator warmup;
    private readonly int warmupEvaluations;
    private readonly List<(double Predicted, bool Probe)> pending = [];
    private readonly List<(int TrainedOn, double Tau)> tauLog = [];
    private readonly List<(int TrainedOn, double Tau)> probeLog = [];
    private readonly List<(int TrainedOn, double Tau)> crossLog = [];
    private readonly double lambdaLo;
    private readonly double lambdaHi;
    private int told;
    private int trainedOn;
    private int nextProbe;
    private int nextCrossValidation;
    private bool inWarmup = true;

    /// <summary>Creates the generator with the measured default options.</summary>
    public PredictorGuidedGenerator(GeneratorContext context)
        : this(context, new PredictorGuidedOptions())
    {
    }

    /// <summary>Creates the generator with explicit <paramref name="options"/>.</summary>
    public PredictorGuidedGenerator(GeneratorContext context, PredictorGuidedOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        this.context = context;
        this.options = options;
        rng = new Random(context.Seed);
        archive.Add(context.Seeds);
        warmupEvaluations = options.WarmupEvaluations ?? Math.Clamp(context.Budget * 15 / 100, 50, 200);
        warmup = GeneratorCatalog.Create(options.Warmup, context with { Seed = context.Seed + 7919, Budget = warmupEvaluations });
        nextProbe = options.ProbeEvery;
        lambdaLo = context.Noise.Lambda(context.TStart);
        lambdaHi = context.Noise.Lambda(context.TEndLow);
        _ = SurrogateCatalog.Create(options.Surrogate); // an unknown surrogate fails here, not after the warm-up
    }

    /// <inheritdoc />
    public string Name => "predictor-guided";

    /// <inheritdoc />
    public double? LastKendallTau => tauLog.Count > 0 ? tauLog[^1].Tau : null;

    /// <inheritdoc />
    public IReadOnlyList<(int TrainedOn, double Tau)> KendallTauLog => tauLog;

    /// <inheritdoc />
    public IReadOnlyList<(int TrainedOn, double Tau)> ProbeTauLog => probeLog;

    /// <inheritdoc />
    public IReadOnlyList<(int TrainedOn, double Tau)> CrossValidatedTauLog => crossLog;

    /// <inheritdoc />
    public IReadOnlyList<SamplerSchedule> Ask()
    {
        pending.Clear();
        inWarmup = told < warmupEvaluations;
        if (inWarmup)
        {
            var batch = warmup.Ask();
            if (batch.Count > 0)
            {
                foreach (var s in batch)
                {
                    archive.MarkAsked(s);
                }

                return batch;
            }

            inWarmup = false;
        }

        var scored = archive.Items.ToArray();
        var x = scored.Select(i => Encode(i.Schedule)).ToArray();
        var y = Targets(scored);
        trainedOn = scored.Length;
        var surrogate = SurrogateCatalog.Create(options.Surrogate);
        surrogate.Fit(x, y, context.Seed + told);
        if (options.CrossValidationFolds > 1 && scored.Length >= options.CrossValidationFolds * 4 && trainedOn >= nextCrossValidation)
        {
            nextCrossValidation = trainedOn + 100;
            var seedKeys = context.Seeds.Select(s => s.ScheduleKey).ToHashSet(StringComparer.Ordinal);
            crossLog.Add((trainedOn, CrossValidatedTau.Compute(() => SurrogateCatalog.Create(options.Surrogate), x, y, options.CrossValidationFolds, context.Seed + told, i => !seedKeys.Contains(scored[i].ScheduleKey))));
        }

        var top = archive.Top(options.Parents);
        var pool = new List<SamplerSchedule>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var tries = 0; pool.Count < options.Proposals && tries < options.Proposals * 3; tries++)
        {
            var child = EvolutionaryGenerator.Breed(context, top, rng);
            if (child is not null && !archive.Seen(child) && keys.Add(ScheduleKey.Compute(child)))
            {
                pool.Add(child);
            }
        }

        var predicted = surrogate.Predict(pool.Select(Encode).ToArray());
        var count = Math.Min(pool.Count, Math.Max(1, options.BatchSize));
        var ranked = Enumerable.Range(0, pool.Count).OrderBy(i => predicted[i]).ToArray();
        var result = new List<SamplerSchedule>();
        foreach (var i in ranked.Take(count))
        {
            result.Add(pool[i]);
            pending.Add((predicted[i], false));
        }

        if (options.Probe > 0 && trainedOn >= nextProbe)
        {
            // Random children of the same parents, not picked by the surrogate: a sample of what it has to rank.
            nextProbe = trainedOn + options.ProbeEvery;
            var rest = ranked.Skip(count).ToArray();
            rng.Shuffle(rest);
            foreach (var i in rest.Take(options.Probe))
            {
                result.Add(pool[i]);
                pending.Add((predicted[i], true));
            }
        }

        foreach (var s in result)
        {
            archive.MarkAsked(s);
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
            LogTau(results, probe: false, tauLog);
            LogTau(results, probe: true, probeLog);
        }

        told += results.Count;
    }

    private void LogTau(IReadOnlyList<ScoredSchedule> results, bool probe, List<(int TrainedOn, double Tau)> log)
    {
        var predicted = new List<double>();
        var real = new List<double>();
        for (var i = 0; i < results.Count && i < pending.Count; i++)
        {
            if (pending[i].Probe == probe && double.IsFinite(results[i].Score) && results[i].Score > 0)
            {
                predicted.Add(pending[i].Predicted);
                real.Add(Math.Log(results[i].Score));
            }
        }

        if (predicted.Count >= 3)
        {
            log.Add((trainedOn, KendallTau.Compute(predicted, real)));
        }
    }

    /// <summary>Log-scores; a diverged schedule counts as one unit of log-score worse than the worst finite one.</summary>
    private static double[] Targets(IReadOnlyList<ScoredSchedule> scored)
    {
        var finite = scored.Where(i => double.IsFinite(i.Score) && i.Score > 0).Select(i => Math.Log(i.Score)).ToArray();
        var worst = finite.Length > 0 ? finite.Max() + 1 : 0;
        return scored.Select(i => double.IsFinite(i.Score) && i.Score > 0 ? Math.Log(i.Score) : worst).ToArray();
    }

    // A schedule may have more steps than its NFE (an analytical first step or a teleport costs no evaluation).
    private double[] Encode(SamplerSchedule s) => ScheduleFeatures.Encode(s, context.Noise, context.Nfe + 2, lambdaLo, lambdaHi);
}
