using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Evaluation.Cost;
using ScheduleSearch.Evaluation.Metrics;
using ScheduleSearch.Models.Onnx;
using ScheduleSearch.Search.Running;
using ScheduleSearch.Search.Specs;
using ScheduleSearch.Storage;
using ScheduleSearch.Storage.LiteDb;

namespace ScheduleSearch.Bench.Cost;

/// <summary>
/// Cost-aware search with two model variants (issue 9): on a card with a primary network and a cheaper variant,
/// (a) the primary alone at NFE k (baselines, then a plain search) and its measured model time T_k per sample, against
/// (b) a time-budget search over both networks at the lanes' NFEs with budget T_k (same evaluation budget); prints both side by side and (b)'s
/// time-vs-score front. The bar is met when (b)'s best, a schedule that calls the cheaper variant, beats (a)'s best
/// at a time no higher. With <c>--metric fd</c> the samples are compared with the data set rather than with the
/// primary's own trajectory: the features of <c>--features</c>/features.onnx against features_mean.npy and
/// features_cov.npy there (the spec's <c>metric.features</c>), and no teacher is computed.
/// </summary>
/// <remarks>
/// Usage (from the repository root): <c>dotnet run -c Release --project bench/ScheduleSearch.Bench.Cost -- --model
/// models/fashion-unet-eps --variant small --guidance 3 --k 4 --lanes 4,5,6,7,8 --budget 300 --samples 128 --heldout 128
/// --teacher-nfe 100 [--metric teacher-mean-rmse|fd] [--features models/fashion-classifier] [--baselines a,b] [--spacings a,b] [--seed 0] [--parallel 2] [--db FILE.db]
/// [--check-seeds 2,3]</c> (the values shown are the defaults; --check-seeds re-scores the compared schedules on further
/// noise sets, to see the noise between sets). One store serves both
/// searches (the teacher is computed once); with --db it is a LiteDB file and a rerun reuses scores and times.
/// </remarks>
public static class Program
{
    /// <summary>Runs the bench.</summary>
    public static void Main(string[] args)
    {
        var o = new BenchOptions(args);
        var modelDir = o.Text("model", "models/fashion-unet-eps");
        var variant = o.Text("variant", "small");
        var guidance = o.Number("guidance", 3.0);
        var metricKind = o.Text("metric", "teacher-mean-rmse");
        var featuresDir = Path.GetFullPath(o.Text("features", "models/fashion-classifier"));
        var (k, budget, samples, heldout, teacherNfe, seed, parallel) =
            (o.Int("k", 4), o.Int("budget", 300), o.Int("samples", 128), o.Int("heldout", 128), o.Int("teacher-nfe", 100), o.Int("seed", 0), o.Int("parallel", 2));
        var lanes = o.Has("lanes") ? [.. o.List("lanes", string.Empty).Select(v => int.Parse(v, CultureInfo.InvariantCulture))] : Enumerable.Range(k, 5).ToArray();
        var baselines = o.List("baselines", "dpm-solver++-2m,dpm-solver++-3m,unipc-bh2-3");
        var spacings = o.List("spacings", "time-quadratic,logsnr-uniform");

        var cardPath = Path.GetFullPath(Path.Combine(modelDir, "model.json"));
        using var model = LoadedModel.Open(cardPath, new OnnxDenoiserOptions { GuidanceScale = guidance, IntraOpThreads = 1 });
        if (!model.Variants.ContainsKey(variant))
        {
            throw new ArgumentException($"card {cardPath} has no variant '{variant}'");
        }

        // The key covers every network a schedule may call, and the guidance scale.
        var hash = Convert.ToHexStringLower(SHA256.HashData(
            [.. File.ReadAllBytes(model.Card.OnnxPath), .. model.Card.Variants.SelectMany(v => File.ReadAllBytes((model.Card with { Onnx = v.Onnx }).OnnxPath))]))
            + string.Create(CultureInfo.InvariantCulture, $"/guidance {guidance:R}");
        var evaluatorOptions = new ScheduleEvaluatorOptions { DegreeOfParallelism = parallel, VerifyTeacher = false, Variants = model.Variants };
        using IScoreStore store = o.Has("db") ? LiteDbScoreStore.Open(o.Text("db", string.Empty)) : new InMemoryScoreStore();
        var label = string.Create(CultureInfo.InvariantCulture, $"cost {metricKind} k {k} seed {seed}");
        var times = ModelCallTimesStore.GetOrMeasure(store, label, () => ModelCallTimer.Measure(model.Primary, model.Variants, samples, device: model.Primary.Device));
        var reference = metricKind == "fd" ? $"features {featuresDir} against its data-set statistics" : $"teacher dpm-solver++-3m {teacherNfe} NFE";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"model {modelDir} + variant {variant} (guidance {guidance}), metric {metricKind}, samples {samples}/{heldout} held-out, {reference}, budget {budget} evaluations per search, seed {seed}"));
        Console.WriteLine($"measured model time: {times}; ratio {times.MillisecondsPerSample[ModelCallTimes.Primary] / times.MillisecondsPerSample[variant]:F2}x");

        // fd compares the classifier's features with the data set's (no teacher); the spec reader checks the files.
        var features = metricKind == "fd"
            ? $$""", "features": { "onnx": "{{Path.Combine(featuresDir, "features.onnx")}}", "mean": "{{Path.Combine(featuresDir, "features_mean.npy")}}", "covariance": "{{Path.Combine(featuresDir, "features_cov.npy")}}" }"""
            : string.Empty;
        string Spec(string name, int[] nfes, string space, string objective) => $$"""
            { "format": "schedule-search/search@1", "name": "{{name}}", "model": "{{cardPath}}", "nfe": [{{string.Join(",", nfes)}}],
              "metric": { "kind": "{{metricKind}}", "samples": {{samples}}, "seed": 0, "heldout": { "samples": {{heldout}}, "seed": 1 },
                          "teacher": { "preset": "dpm-solver++-3m", "nfe": {{teacherNfe}}, "spacing": "logsnr-uniform" }{{features}} },
              "space": { "afs": false{{space}} },
              "strategy": { "kind": "default", "population": 16, "seed": {{seed}} },
              "budget": { "evaluations": {{budget}} },
              {{objective}}
              "baselines": [{{string.Join(",", baselines.Select(b => $"\"{b}\""))}}],
              "baseline_spacings": [{{string.Join(",", spacings.Select(s => $"\"{s}\""))}}] }
            """;

        SearchResult Run(SearchSpec spec)
        {
            var evaluator = new ScheduleEvaluator(model.Primary, hash, spec.Metric, store, evaluatorOptions);
            var watchTeacher = Stopwatch.StartNew();
            evaluator.Teacher(false);
            evaluator.Teacher(true);
            var teacherSeconds = watchTeacher.Elapsed.TotalSeconds;
            var watch = Stopwatch.StartNew();
            var result = new SearchRun(spec, evaluator, store, model.Primary.Schedule, new SearchRunOptions { Model = model.Primary, MeasureCallTimes = () => times }).Run();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"'{spec.Name}': {result.Evaluations} evaluations in {watch.Elapsed.TotalSeconds:F0} s (teacher {teacherSeconds:F0} s before)"));
            return result;
        }

        // (a) The primary network alone at NFE k.
        var aloneSpec = SearchSpec.Parse(Spec($"{label} primary alone", [k], string.Empty, string.Empty), "cost bench");
        using var extractor = aloneSpec.Features is { } files ? OnnxFeatureExtractor.Open(files.Onnx) : null;
        if (aloneSpec.Features is { Mean: { } mean, Covariance: { } covariance })
        {
            evaluatorOptions = evaluatorOptions with { Features = extractor!, ReferenceStatistics = FeatureStatistics.Load(mean, covariance) };
        }

        var alone = Run(aloneSpec);
        var a = alone.PerNfe.Single();
        var (aBest, aHeldOut) = Found(aloneSpec, a);
        var tk = times.CostOf(aBest.Schedule);

        // (b) Both networks at the lanes' NFEs (default k..k+4), within the primary's time at NFE k.
        var budgetJson = string.Create(CultureInfo.InvariantCulture, $"\"objective\": {{ \"kind\": \"time-budget\", \"time_per_sample_ms\": {tk:R} }},");
        var mixedSpec = SearchSpec.Parse(Spec($"{label} mixed nfe {string.Join(",", lanes)}", lanes, $", \"models\": [\"{variant}\"]", budgetJson), "cost bench");
        var mixed = Run(mixedSpec);
        var mixedLanes = mixed.PerNfe.Where(p => p.Best is not null).Select(p => (p.Nfe, Found: Found(mixedSpec, p))).ToArray();
        var (bestNfe, (bestFound, bestHeldOut)) = mixedLanes.MinBy(l => l.Found.Best.Score);

        Console.WriteLine();
        Console.WriteLine($"{"",-34} {"ms/sample",10} {"NFE",4} {"calls",-22} {metricKind + " (scoring)",22} {"held-out",12}");
        Row("(a) primary alone, best baseline", a.BestBaseline!, a.BaselineHeldOut);
        Row("(a) primary alone, search", aBest, aHeldOut);
        foreach (var (nfe, (found, heldOut)) in mixedLanes)
        {
            Row(string.Create(CultureInfo.InvariantCulture, $"(b) budget {tk:G4} ms, NFE {nfe}"), found, heldOut);
        }

        // The front over (b)'s whole history (a rerun's own result has seen only the baselines).
        Console.WriteLine();
        Console.WriteLine("(b)'s time-vs-score front (every schedule it scored; over-budget ones included):");
        var timed = FullFidelity(mixedSpec).Select(r => (Record: r, Schedule: ScheduleJson.Read(r.ScheduleJson)))
            .Select(x => (Ms: times.CostOf(x.Schedule), x.Record, x.Schedule));
        foreach (var t in TimeScoreFront.Of(timed, t => t.Ms, t => t.Record.Score, t => t.Record.ScheduleKey))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {t.Ms,9:F4} ms  {t.Record.Score,10:G5}  NFE {t.Record.Nfe,2}  {ModelCalls.Describe(t.Schedule)}  {(t.Record.Generation == 0 ? t.Schedule.Name : $"found (gen {t.Record.Generation}, from {t.Schedule.Name})")}"));
        }

        var usesVariant = ModelCalls.PerModel(bestFound.Schedule).ContainsKey(variant);
        var met = usesVariant && bestFound.Score < aBest.Score && times.CostOf(bestFound.Schedule) <= tk;
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bar: mixed best {bestFound.Score:G5} at {times.CostOf(bestFound.Schedule):G4} ms (NFE {bestNfe}, {ModelCalls.Describe(bestFound.Schedule)}) vs primary alone {aBest.Score:G5} at {tk:G4} ms: {(met ? "MET" : "not met")}; held-out {bestHeldOut:G5} vs {aHeldOut:G5}"));
        Console.WriteLine($"mixed best, network per step: {string.Join(" ", bestFound.Schedule.Steps.Select(st => ModelCallTimes.Label(st.Model ?? ModelCallTimes.Primary)))}");

        // Noise check: the three schedules compared above, re-scored on further noise sets of the held-out size.
        foreach (var checkSeed in o.List("check-seeds", string.Empty).Select(v => int.Parse(v, CultureInfo.InvariantCulture)))
        {
            var check = new ScheduleEvaluator(model.Primary, hash, aloneSpec.Metric with { HeldOutSeed = checkSeed }, store, evaluatorOptions)
                .Evaluate([a.BestBaseline!.Schedule, aBest.Schedule, bestFound.Schedule], new EvaluationRequest { HeldOut = true });
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"noise seed {checkSeed} ({heldout} samples): primary baseline {check[0].Score:G5}, primary search {check[1].Score:G5}, mixed best {check[2].Score:G5}"));
        }

        // A finished search run again (--db) stops before its generators, so its result holds only the baselines: the
        // best found at the outcome's NFE (within the search's time budget) is read from its history.
        (ScoredSchedule Best, double? HeldOut) Found(SearchSpec spec, NfeOutcome outcome)
        {
            var record = FullFidelity(spec).Where(r => r.Nfe == outcome.Nfe && spec.Objective.Allows(times.CostOf(ScheduleJson.Read(r.ScheduleJson)))).MinBy(r => r.Score);
            if (record is null || record.Score >= outcome.Best!.Score)
            {
                return (outcome.Best!, outcome.BestHeldOut);
            }

            var found = outcome.Best with { Schedule = ScheduleJson.Read(record.ScheduleJson), Key = record.Key, ScheduleKey = record.ScheduleKey, Score = record.Score };
            return (found, new ScheduleEvaluator(model.Primary, hash, spec.Metric, store, evaluatorOptions).Evaluate([found.Schedule], new EvaluationRequest { HeldOut = true })[0].Score);
        }

        IEnumerable<EvaluationRecord> FullFidelity(SearchSpec spec) =>
            store.GetSearchEvaluations(spec.Name).Where(r => double.IsFinite(r.Score) && r.Fidelity == spec.Metric.Samples);


        void Row(string name, ScoredSchedule s, double? held) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-34} {times.CostOf(s.Schedule),10:F4} {s.Nfe,4} {ModelCalls.Describe(s.Schedule),-22} {s.Score,22:G5} {held,12:G5}"));
    }
}
