using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using ScheduleSearch.Bench;
using ScheduleSearch.Bench.PrefixSharing;
using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Solvers;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Models.Gmm;
using ScheduleSearch.Search.Generators;
using ScheduleSearch.Search.Running;
using ScheduleSearch.Search.Specs;
using ScheduleSearch.Storage;

// Prefix sharing (issue 6): the same search with the prefix-state cache on and off, in one process. Prints model calls
// per evaluated candidate during the search (baselines and held-out re-scoring apart), the reduction, and whether
// the two searches evaluated the same candidates with the same scores (they must: sharing changes no value).
// Usage: --model models/gmm-64 --nfe 5,8 --seeds 0 --budget 1000 --strategies evolutionary,default
//        --samples 1024 --parallel 1 --cache-mib 1024 [--ideal 1]  (also what an unbounded cache would save)
//        [--space '{ "time_shift": false }']  (the spec's space; default: the checked-in gmm specs' space, time shift off)
//        a strategy may name its breeding: --strategies evolutionary/mixing,evolutionary/prefix (default: the strategy's own)
var arguments = new BenchArguments(args);
string Opt(string name, string fallback) => arguments.Text(name, fallback);
int IntOpt(string name, string fallback) => arguments.Int(name, int.Parse(fallback, CultureInfo.InvariantCulture));
var modelDir = Opt("model", "models/gmm-64");
var nfes = Opt("nfe", "5,8").Split(',').Select(int.Parse).ToArray();
var seeds = Opt("seeds", "0").Split(',').Select(int.Parse).ToArray();
var strategies = Opt("strategies", "evolutionary,default").Split(',');
var budget = IntOpt("budget", "1000");
var samples = IntOpt("samples", "1024");
var parallel = IntOpt("parallel", "1");
var cacheBytes = long.Parse(Opt("cache-mib", "1024"), CultureInfo.InvariantCulture) * 1024 * 1024;
var space = Opt("space", "{ \"time_shift\": false }");

var paramsPath = Path.Combine(modelDir, "params.json");
var mixture = GmmParametersJson.Read(paramsPath);
var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(paramsPath)));
var noise = VpDiscreteSchedule.Linear();
var denoiser = new GaussianMixtureDenoiser(mixture, noise);
Console.WriteLine($"model {modelDir} ({mixture.Dimension} dims), budget {budget}, samples {samples}, parallel {parallel}, prefix cache {cacheBytes / (1024 * 1024)} MiB, seeds {string.Join(",", seeds)}, space {space}");
Console.WriteLine("strategy      nfe seed | search evals | calls/eval off | calls/eval on | reduction | resumes | baselines calls/eval off -> on | identical | wall off / on");
foreach (var strategy in strategies)
{
    foreach (var nfe in nfes)
    {
        foreach (var seed in seeds)
        {
            var off = Search(strategy, nfe, seed, 0);
            var on = Search(strategy, nfe, seed, cacheBytes);
            var identical = off.History.Count == on.History.Count
                && off.History.Zip(on.History).All(p => p.First.Key == p.Second.Key && p.First.Score.Equals(p.Second.Score))
                && off.Best.Equals(on.Best);
            var perOff = PerEvaluation(off.Counters.Search);
            var perOn = PerEvaluation(on.Counters.Search);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{strategy,-13} {nfe,3} {seed,4} | {on.Counters.Search.Evaluations,12} | {perOff,14:F3} | {perOn,13:F3} | {1 - (perOn / perOff),9:P1} | {on.Counters.Search.PrefixResumes,7} | {PerEvaluation(off.Counters.Baselines),6:F3} -> {PerEvaluation(on.Counters.Baselines),6:F3} | {(identical ? "yes" : "NO"),9} | {off.Seconds:F0} s / {on.Seconds:F0} s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    best {on.Best:R} (off {off.Best:R}); search calls {on.Counters.Search.ModelCalls} + saved {on.Counters.Search.ModelCallsSaved} = {on.Counters.Search.ModelCalls + on.Counters.Search.ModelCallsSaved} (off {off.Counters.Search.ModelCalls})"));
            if (!identical)
            {
                Environment.ExitCode = 1;
            }
        }
    }
}

// What an unbounded cache would save during the search, visiting the evaluations in history order: each candidate
// resumes at the furthest prefix state any earlier evaluation (baselines included) passed.
static string IdealSharing(IReadOnlyList<EvaluationRecord> records, int nfe)
{
    var seen = new HashSet<string>(StringComparer.Ordinal);
    long saved = 0, total = 0;
    var depth = new int[nfe + 1];
    foreach (var r in records)
    {
        var schedule = ScheduleJson.Read(r.ScheduleJson);
        var furthest = -1;
        for (var k = schedule.Steps.Length - 1; k >= 0; k--)
        {
            var key = SamplerPrefix.Key(schedule, k);
            furthest = furthest < 0 && seen.Contains(key) ? k : furthest;
            seen.Add(key);
        }

        if (r.Generation > 0)
        {
            total += schedule.Nfe;
            saved += furthest < 0 ? 0 : EvaluationPlan.CountBefore(schedule, furthest);
            depth[Math.Min(furthest + 1, nfe)]++;
        }
    }

    return string.Create(CultureInfo.InvariantCulture,
        $"unbounded cache: {saved} of {total} calls saved = {(double)saved / total:P1}; candidates by steps shared (none, anchor only, 1, 2, ...): {string.Join(" ", depth)}");
}

static double PerEvaluation(EvaluatorCounters c) => c.Evaluations == 0 ? double.NaN : (double)c.ModelCalls / c.Evaluations;

Outcome Search(string strategy, int nfe, int seed, long prefixCacheBytes)
{
    var kind = strategy.Split('/')[0];
    var breeding = strategy.Contains('/', StringComparison.Ordinal) ? $", \"breeding\": \"{strategy.Split('/')[1]}\"" : string.Empty;
    var spec = SearchSpec.Parse($$"""
        { "format": "schedule-search/search@1", "name": "prefix {{kind}} nfe {{nfe}} seed {{seed}}", "model": "{{Path.GetFullPath(modelDir)}}/model.json",
          "nfe": [{{nfe}}],
          "metric": { "kind": "teacher-mean-rmse", "samples": {{samples}}, "seed": 0, "heldout": { "samples": {{samples}}, "seed": 1 } },
          "space": {{space}},
          "strategy": { "kind": "{{kind}}", "population": 50, "seed": {{seed}}{{breeding}} },
          "budget": { "evaluations": {{budget}} },
          "baselines": ["ddim", "dpm-solver++-2m", "dpm-solver++-3m", "dpm-solver++-2s", "dpm-solver-3s", "unipc-bh1-2", "unipc-bh1-3", "unipc-bh2-2", "unipc-bh2-3", "deis-tab-3", "ipndm"] }
        """, "bench");
    using var store = new InMemoryScoreStore();
    var evaluator = new ScheduleEvaluator(denoiser, hash, spec.Metric, store, new ScheduleEvaluatorOptions
    {
        DegreeOfParallelism = parallel,
        VerifyTeacher = false,
        Statistics = DataStatistics.Of(mixture),
        PrefixCacheBytes = prefixCacheBytes,
    });
    evaluator.Teacher(false);
    evaluator.Teacher(true);
    var counted = new GenerationCounters(evaluator);
    var watch = Stopwatch.StartNew();
    var run = new SearchRun(spec, counted, store, noise, new SearchRunOptions
    {
        GeneratorFactory = ctx => GeneratorCatalog.Create(kind, ctx),
        Model = denoiser,
    });
    var result = run.Run();
    var records = store.GetSearchEvaluations(spec.Name);
    if (arguments.Has("ideal") && prefixCacheBytes > 0)
    {
        Console.WriteLine("    " + IdealSharing(records, nfe));
    }

    var history = records.Select(r => (r.Key, r.Score)).ToList();
    return new Outcome(counted, history, result.PerNfe.Single().Best!.Score, watch.Elapsed.TotalSeconds);
}

/// <summary>One search's counters, evaluation sequence and best score.</summary>
internal sealed record Outcome(GenerationCounters Counters, List<(string Key, double Score)> History, double Best, double Seconds);
