using System.Globalization;

namespace ScheduleSearch.Search.Generators;

/// <summary>The knobs of <see cref="PredictorGuidedGenerator"/>; the defaults are the measured choice (bench/BENCHMARKS.md).</summary>
public sealed record PredictorGuidedOptions
{
    /// <summary>The surrogate: "fasttree" (ML.NET boosted trees on log-score), "ridge" (random Fourier features) or "mlp" (pairwise ranking).</summary>
    public string Surrogate { get; init; } = "mlp";

    /// <summary>The generator kind of <see cref="GeneratorCatalog"/> that runs the warm-up.</summary>
    public string Warmup { get; init; } = "evolutionary";

    /// <summary>Real evaluations of the warm-up (null: 15% of the budget, within 50..200; the warm-up runs whole generations).</summary>
    public int? WarmupEvaluations { get; init; }

    /// <summary>Children scored by the surrogate per round.</summary>
    public int Proposals { get; init; } = 2000;

    /// <summary>
    /// Children evaluated for real per round, best-predicted first. Small batches retrain the surrogate more often: on
    /// gmm-64 at NFE 5 (8 seeds) 5 reached evolutionary's median final score at a median of 254 evaluations, 10 at
    /// 322; 10 ends a little lower after 600 (bench/BENCHMARKS.md, "Predictor-guided (S3) against evolutionary").
    /// </summary>
    public int BatchSize { get; init; } = 5;

    /// <summary>Parents the children are bred from (the best scored so far).</summary>
    public int Parents { get; init; } = 10;

    /// <summary>Random children (not surrogate-picked) added to a round to measure tau on unseen candidates; 0 = none.</summary>
    public int Probe { get; init; } = 30;

    /// <summary>A probe is added to the first round after every this many real evaluations of the run.</summary>
    public int ProbeEvery { get; init; } = 300;

    /// <summary>Folds of the cross-validated tau on the archive, logged at the first round after every 100 real evaluations; 0 = not computed.</summary>
    public int CrossValidationFolds { get; init; } = 5;

    /// <summary>Parses "key=value,key=value" (the keys are the property names in lower case); unknown keys throw.</summary>
    public static PredictorGuidedOptions Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var o = new PredictorGuidedOptions();
        foreach (var pair in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (key, value) = (pair.Split('=')[0], pair.Split('=')[1]);
            int Int() => int.Parse(value, CultureInfo.InvariantCulture);
            o = key switch
            {
                "surrogate" => o with { Surrogate = value },
                "warmup" => o with { Warmup = value },
                "warmupevaluations" => o with { WarmupEvaluations = Int() },
                "proposals" => o with { Proposals = Int() },
                "batchsize" => o with { BatchSize = Int() },
                "parents" => o with { Parents = Int() },
                "probe" => o with { Probe = Int() },
                "probeevery" => o with { ProbeEvery = Int() },
                "crossvalidationfolds" => o with { CrossValidationFolds = Int() },
                _ => throw new ArgumentException($"unknown predictor-guided option '{key}'", nameof(text)),
            };
        }

        return o;
    }
}
