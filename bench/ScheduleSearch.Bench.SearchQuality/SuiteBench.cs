using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Evaluation.References;
using ScheduleSearch.Models.Arrays;
using ScheduleSearch.Models.Gmm;
using ScheduleSearch.Search.Generators;
using ScheduleSearch.Search.Running;
using ScheduleSearch.Search.Specs;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Bench.SearchQuality;

/// <summary>
/// The suite of issue 20: exact Gaussian mixtures generated from seeds (none of them in models/), dimension 8-256,
/// 2-32 components, separation and variance spread varied, so a default is chosen on more than one model. Per problem,
/// NFE, metric and seed: one search, its best at each checkpoint re-scored on the held-out set, against the best
/// baseline (by scoring value) also re-scored there.
/// </summary>
/// <remarks>
/// The space is the default decision lists with afs and without time shift (as the checked-in exact-mixture specs);
/// <c>--wide time_shift</c> gives the tool's default space, and with <c>--strategy default</c> the default search.
/// A search that ends without beating the best baseline on held-out noise prints why (<c>NfeOutcome.Shortfall</c>).
/// Usage: <c>--suite [--problems all|NAME,...] [--nfe 5,8] [--metrics teacher-rmse,teacher-mean-rmse] [--seeds 0,1,2]
/// [--budget 1500] [--checkpoints 600] [--samples 1024] [--heldout 1024] [--teacher-nfe 500] [--strategy default]
/// [--wide LIST] [--phases KIND:FRACTION,...] [--top K] [--racing off|SETS] [--validation SAMPLES] [--parallel 2] [--write DIR]</c>. With <c>--racing SETS</c> each
/// search races its challengers on up to SETS racing sets and validates its winner (the spec's "racing" block); its row at
/// the budget is the run's reported winner, and checkpoints before the budget are not printed (the run chooses only at its
/// end). <c>--write</c> keeps each problem's params.json, stats.npz, teacher schedule,
/// scoring and held-out noise with the teacher's samples on each (.npy) and best baselines, and results.jsonl with one line
/// per search and checkpoint, for bench/optuna/side_by_side.py. <c>--phases</c> runs a composite of catalog generators
/// (kind:fraction of the budget, in order) instead of <c>--strategy</c>'s generator; <c>--top K</c> prints each search's K
/// best scoring candidates with their held-out reductions.
/// </remarks>
public static class SuiteBench
{
    /// <summary>The suite's problems: name, dimension, components, separation of the means, variance range, seed.</summary>
    public static readonly IReadOnlyList<Problem> Problems =
    [
        new("mix-d8-k2", 8, 2, 3.0, 0.05, 0.2, 101),
        new("mix-d16-k4", 16, 4, 1.5, 0.02, 0.5, 102),
        new("mix-d32-k10", 32, 10, 2.0, 0.05, 0.3, 103),
        new("mix-d64-k8", 64, 8, 1.0, 0.1, 0.4, 104),
        new("mix-d96-k16", 96, 16, 2.5, 0.01, 0.1, 105),
        new("mix-d128-k32", 128, 32, 1.2, 0.05, 0.5, 106),
        new("mix-d192-k3", 192, 3, 4.0, 0.02, 0.05, 107),
        new("mix-d256-k24", 256, 24, 1.8, 0.1, 1.0, 108),
    ];

    /// <summary>Runs the suite with <paramref name="args"/> (pairs of --option value, after --suite).</summary>
    public static void Run(string[] args)
    {
        var opts = new BenchOptions(args);
        string Opt(string name, string fallback) => opts.Text(name, fallback);
        int Int(string name, int fallback) => opts.Int(name, fallback);
        int[] Ints(string name, string fallback) => opts.Ints(name, fallback);
        var names = Opt("problems", "all");
        var problems = names == "all" ? Problems : Problems.Where(p => names.Split(',').Contains(p.Name)).ToArray();
        var nfes = Ints("nfe", "5,8");
        var metrics = Opt("metrics", "teacher-rmse,teacher-mean-rmse").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var seeds = Ints("seeds", "0,1,2");
        var budget = Int("budget", 1500);
        var checkpoints = Ints("checkpoints", "600").Where(c => c < budget).Append(budget).ToArray();
        var (samples, heldout, teacherNfe, parallel) = (Int("samples", 1024), Int("heldout", 1024), Int("teacher-nfe", 500), Int("parallel", 2));
        var strategy = Opt("strategy", "default");
        var wide = Opt("wide", string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries);
        var space = string.Join(", ", wide.Append("time_shift").Distinct().Select(w => $"\"{w}\": {(wide.Contains(w) ? "true" : "false")}"));
        var racingSets = Opt("racing", "off") is var r && r != "off" ? int.Parse(r, CultureInfo.InvariantCulture) : 0;
        var validation = opts.Has("validation") ? $", \"validation\": {{ \"samples\": {Int("validation", 1024)} }}" : string.Empty;
        var racing = racingSets > 0 ? $", \"racing\": {{ \"sets\": {racingSets}{validation} }}" : string.Empty;
        if (racingSets > 0)
        {
            checkpoints = [budget];
        }

        var phases = Phases.Parse(Opt("phases", string.Empty));
        var top = Int("top", 0);
        var write = opts.Has("write") ? Path.GetFullPath(opts.Text("write", ".")) : null;
        var baselines = Opt("baselines", "ddim,dpm-solver++-2m,dpm-solver++-3m,dpm-solver++-2s,dpm-solver-3s,unipc-bh1-2,unipc-bh1-3,unipc-bh2-2,unipc-bh2-3,deis-tab-3,ipndm");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"suite: {problems.Count} problems, nfe {string.Join(",", nfes)}, metrics {string.Join(",", metrics)}, seeds {string.Join(",", seeds)}, budget {budget} (checkpoints {string.Join(",", checkpoints)}), samples {samples}/{heldout} held-out, teacher dpm-solver++-3m x {teacherNfe}, strategy {(phases.Length > 0 ? Phases.Describe(phases) : strategy)}{(racingSets > 0 ? $", racing on {racingSets} sets{validation}" : string.Empty)}, space {(wide.Length == 0 ? "default lists, afs, no time shift" : string.Join("+", wide))}"));
        var rows = new List<Row>();
        var noise = VpDiscreteSchedule.Linear();
        using var results = write is null ? null : OpenResults(write);
        foreach (var problem in problems)
        {
            var mixture = problem.Mixture();
            var json = GmmParametersJson.ToJson(mixture);
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
            var denoiser = new GaussianMixtureDenoiser(mixture, noise);
            var folder = write is null ? null : Directory.CreateDirectory(Path.Combine(write, problem.Name)).FullName;
            if (folder is not null)
            {
                File.WriteAllText(Path.Combine(folder, "params.json"), json);
            }

            // One store per problem: the teacher of each noise set is computed once for every metric, NFE and seed.
            using var store = new InMemoryScoreStore();
            foreach (var metric in metrics)
            {
                foreach (var nfe in nfes)
                {
                    foreach (var seed in seeds)
                    {
                        var spec = SearchSpec.Parse($$"""
                            { "format": "schedule-search/search@1", "name": "suite {{problem.Name}} {{metric}} nfe {{nfe}} seed {{seed}}", "model": "suite/{{problem.Name}}/model.json",
                              "nfe": [{{nfe}}],
                              "metric": { "kind": "{{metric}}", "samples": {{samples}}, "seed": 0, "heldout": { "samples": {{heldout}}, "seed": 1 },
                                          "teacher": { "preset": "dpm-solver++-3m", "nfe": {{teacherNfe}}, "spacing": "logsnr-uniform" } },
                              "space": { {{space}} },
                              "strategy": { "kind": "{{strategy}}", "seed": {{seed}} },
                              "budget": { "evaluations": {{budget}} }{{racing}},
                              "baselines": [{{string.Join(",", baselines.Split(',').Select(b => $"\"{b}\""))}}] }
                            """, "suite");
                        var evaluator = new ScheduleEvaluator(denoiser, hash, spec.Metric, store, new ScheduleEvaluatorOptions
                        {
                            DegreeOfParallelism = parallel, VerifyTeacher = false, Statistics = DataStatistics.Of(mixture),
                        });
                        if (folder is not null && !File.Exists(Path.Combine(folder, "teacher.json")))
                        {
                            File.WriteAllText(Path.Combine(folder, "teacher.json"), ScheduleJson.Write(TeacherReferences.Schedule(denoiser, spec.Metric.Teacher)));
                            WriteSets(folder, evaluator, DataStatistics.Of(mixture));
                        }

                        var watch = Stopwatch.StartNew();
                        var result = new SearchRun(spec, evaluator, store, noise, new SearchRunOptions
                        {
                            Model = denoiser,
                            GeneratorFactory = phases.Length > 0 ? ctx => new CompositeGenerator(ctx, phases) : null,
                        }).Run();
                        var seconds = watch.Elapsed.TotalSeconds;
                        var outcome = result.PerNfe.Single();
                        var baseline = outcome.BestBaseline!;
                        var baselineHeld = outcome.BaselineHeldOut ?? double.NaN;
                        if (folder is not null)
                        {
                            File.WriteAllText(Path.Combine(folder, $"nfe{nfe}-{metric}.baseline.json"), ScheduleJson.Write(baseline.Schedule));
                        }

                        var history = store.GetSearchEvaluations(spec.Name);
                        foreach (var checkpoint in checkpoints)
                        {
                            var (bestScore, held) = racingSets > 0
                                ? (outcome.Best!.Score, outcome.BestHeldOut ?? double.NaN)
                                : HeldOutBest(evaluator, history.Take(checkpoint).Where(r => r.Nfe == nfe && double.IsFinite(r.Score)).OrderBy(r => r.Score).First());
                            var row = new Row(problem.Name, metric, nfe, seed, Math.Min(checkpoint, history.Count + result.RacingEvaluations), baseline.Schedule.Name, baseline.Score, baselineHeld, bestScore, held, seconds);
                            rows.Add(row);
                            Console.WriteLine(racingSets > 0
                                ? string.Create(CultureInfo.InvariantCulture, $"{row}; racing: {result.RacingEvaluations} racing evaluations, {outcome.Incumbents} incumbents, winner {(outcome.Best!.ScheduleKey == baseline.ScheduleKey ? "the best baseline" : "a found schedule")} (validation {outcome.BestValidation:G5} vs baseline {outcome.BaselineValidation:G5})")
                                : row.ToString());
                            results?.WriteLine(row.ToJson());
                        }

                        if (top > 0)
                        {
                            PrintTop(evaluator, history.Where(r => r.Nfe == nfe && double.IsFinite(r.Score)).OrderBy(r => r.Score).Take(top).ToArray(), baseline.Score, baselineHeld);
                        }

                        if (outcome.Shortfall is { } shortfall)
                        {
                            Console.WriteLine($"{problem.Name} {metric} nfe {nfe} seed {seed}: the search says: {shortfall}");
                        }

                        results?.Flush();
                    }
                }
            }
        }

        Summarise(rows, checkpoints);
    }

    /// <summary>
    /// Writes the scoring and held-out noise and the teacher's samples on each (float64 .npy, row i of one solves row i
    /// of the other) and the data statistics afs mean-x0 reads, so another optimiser scores on exactly these sets.
    /// </summary>
    private static void WriteSets(string folder, ScheduleEvaluator evaluator, DataStatistics statistics)
    {
        foreach (var (heldOut, prefix) in new[] { (false, string.Empty), (true, "heldout-") })
        {
            var noiseSet = evaluator.Noise(heldOut);
            var teacher = evaluator.Teacher(heldOut) ?? throw new InvalidOperationException("a teacher metric has a teacher reference");
            Npy.Write(Path.Combine(folder, prefix + "noise.npy"), new NpyArray([noiseSet.Count, noiseSet.SampleSize], noiseSet.Values.ToArray()));
            Npy.Write(Path.Combine(folder, prefix + "teacher.npy"), new NpyArray([teacher.Count, teacher.SampleSize], teacher.Samples.ToArray()));
        }

        Npz.Write(Path.Combine(folder, "stats.npz"), new Dictionary<string, NpyArray>
        {
            ["mean"] = new([statistics.Mean.Count], [.. statistics.Mean]),
            ["variance"] = new([statistics.Variance.Count], [.. statistics.Variance]),
        });
    }

    /// <summary>
    /// Prints the held-out reduction of each of <paramref name="top"/> (a search's best scoring candidates, best first):
    /// whether a schedule that holds on fresh noise was among those the search found, or all of them share its
    /// winner's overfit (issue 20: on mix-d192-k3 with teacher-rmse the 25 best of a 1500 search are near clones).
    /// </summary>
    private static void PrintTop(ScheduleEvaluator evaluator, EvaluationRecord[] top, double baselineScore, double baselineHeld)
    {
        var held = evaluator.Evaluate([.. top.Select(t => ScheduleJson.Read(t.ScheduleJson))], new EvaluationRequest { HeldOut = true });
        for (var i = 0; i < top.Length; i++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  top {i + 1}: reduction {1 - (top[i].Score / baselineScore):P1} / held-out {1 - (held[i].Score / baselineHeld):P1}, key {top[i].ScheduleKey[..12]}"));
        }
    }

    private static (double Score, double HeldOut) HeldOutBest(ScheduleEvaluator evaluator, EvaluationRecord best) =>
        (best.Score, evaluator.Evaluate([ScheduleJson.Read(best.ScheduleJson)], new EvaluationRequest { HeldOut = true })[0].Score);

    private static StreamWriter OpenResults(string folder)
    {
        Directory.CreateDirectory(folder);
        return new StreamWriter(Path.Combine(folder, "results.jsonl"), append: false);
    }

    private static void Summarise(List<Row> rows, int[] checkpoints)
    {
        Console.WriteLine();
        Console.WriteLine("suite medians over problems and seeds (reduction of the best baseline's score; held-out = fresh noise):");
        Console.WriteLine("| metric | NFE | evaluations | scoring | held-out | held-out / scoring | held-out range | seeds not ahead on held-out |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var group in rows.GroupBy(r => (r.Metric, r.Nfe, r.Checkpoint)).OrderBy(g => g.Key.Metric, StringComparer.Ordinal).ThenBy(g => g.Key.Nfe).ThenBy(g => g.Key.Checkpoint))
        {
            var scoring = Median(group.Select(r => r.ScoringReduction));
            var held = group.Select(r => r.HeldOutReduction).Order().ToArray();
            var ratio = Median(group.Where(r => r.ScoringReduction > 0).Select(r => r.HeldOutReduction / r.ScoringReduction));
            var behind = group.Where(r => !(r.HeldOutReduction > 0)).Select(r => $"{r.Problem}/s{r.Seed}").ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {group.Key.Metric} | {group.Key.Nfe} | {group.Key.Checkpoint} | {scoring:P1} | {Median(held):P1} | {ratio:F2} | {held[0]:P1}..{held[^1]:P1} | {(behind.Length == 0 ? "none" : string.Join(" ", behind))} |"));
        }

        _ = checkpoints;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]);
    }

    /// <summary>One suite problem: a diagonal mixture drawn from <see cref="Seed"/>.</summary>
    /// <param name="Name">Its name in tables and folders.</param>
    /// <param name="Dimension">Values per sample.</param>
    /// <param name="Components">Mixture components.</param>
    /// <param name="Separation">Standard deviation of the means' coordinates (larger = modes further apart).</param>
    /// <param name="VarianceLow">Smallest per-coordinate variance (drawn log-uniformly between the two).</param>
    /// <param name="VarianceHigh">Largest per-coordinate variance.</param>
    /// <param name="Seed">Seed of the draw.</param>
    public sealed record Problem(string Name, int Dimension, int Components, double Separation, double VarianceLow, double VarianceHigh, int Seed)
    {
        /// <summary>The mixture: weights uniform in [0.5, 1.5] normalised, means N(0, separation^2 / 4), variances log-uniform.</summary>
        public GaussianMixture Mixture()
        {
            var rng = new Random(Seed);
            double Gaussian() => Math.Sqrt(-2.0 * Math.Log(1.0 - rng.NextDouble())) * Math.Cos(2.0 * Math.PI * rng.NextDouble());
            var weights = Enumerable.Range(0, Components).Select(_ => 0.5 + rng.NextDouble()).ToArray();
            var total = weights.Sum();
            weights = [.. weights.Select(w => w / total)];
            var means = Enumerable.Range(0, Components).Select(_ => Enumerable.Range(0, Dimension).Select(_ => 0.5 * Separation * Gaussian()).ToArray()).ToArray();
            var (lo, hi) = (Math.Log(VarianceLow), Math.Log(VarianceHigh));
            var variances = Enumerable.Range(0, Components).Select(_ => Enumerable.Range(0, Dimension).Select(_ => Math.Exp(lo + ((hi - lo) * rng.NextDouble()))).ToArray()).ToArray();
            return new GaussianMixture(weights, means, variances);
        }
    }

    private sealed record Row(string Problem, string Metric, int Nfe, int Seed, int Checkpoint, string Baseline, double BaselineScore, double BaselineHeldOut, double Score, double HeldOut, double Seconds)
    {
        public double ScoringReduction => 1 - (Score / BaselineScore);

        public double HeldOutReduction => 1 - (HeldOut / BaselineHeldOut);

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{Problem} {Metric} nfe {Nfe} seed {Seed} @{Checkpoint,5}: baseline {Baseline} {BaselineScore:G5} (held-out {BaselineHeldOut:G5}); best {Score:G5} (held-out {HeldOut:G5}); reduction {ScoringReduction:P1} / held-out {HeldOutReduction:P1}; {Seconds:F0} s");

        public string ToJson() => JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["tool"] = "schedule-search",
            ["problem"] = Problem,
            ["metric"] = Metric,
            ["nfe"] = Nfe,
            ["seed"] = Seed,
            ["evaluations"] = Checkpoint,
            ["baseline"] = Baseline,
            ["baseline_score"] = BaselineScore,
            ["baseline_heldout"] = BaselineHeldOut,
            ["score"] = Score,
            ["heldout"] = HeldOut,
        });
    }
}
