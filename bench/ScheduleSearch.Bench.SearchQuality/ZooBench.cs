using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Evaluation.Metrics;
using ScheduleSearch.Models.Cards;
using ScheduleSearch.Models.Onnx;
using ScheduleSearch.Search.Running;
using ScheduleSearch.Search.Specs;
using ScheduleSearch.Storage;
using ScheduleSearch.Storage.LiteDb;

namespace ScheduleSearch.Bench.SearchQuality;

/// <summary>
/// Search quality on the trained zoo networks (issues 8 and 9): one search per NFE through the real evaluator on an
/// ONNX model (optionally guided), scored by teacher-mean-rmse or fd, then the winner and the held-out best baseline
/// re-scored on the held-out set in both teacher-mean-rmse and fd (features of models/fashion-classifier against the test
/// set's statistics).
/// </summary>
/// <remarks>
/// Usage: <c>--zoo --model models/fashion-unet-eps [--guidance 3] --nfe 5,8 --budget 200 --samples 128 --heldout 256
/// --teacher-nfe 100 [--metric teacher-mean-rmse|fd] [--wide all|LIST] [--stats FILE.npz] [--plain-afs false]
/// [--teacher-check 32] [--spacings a,b] [--seed 0] [--parallel 2] [--db FILE.db] [--tag TEXT]</c> (the tag is appended to the search names). One store serves every NFE (the
/// teacher is computed once); with --db it is a LiteDB file, so runs with another space reuse the teacher and the
/// baselines' scores.
/// </remarks>
public static class ZooBench
{
    private const string Classifier = "models/fashion-classifier";

    /// <summary>Runs the bench with <paramref name="args"/> (pairs of --option value, after --zoo).</summary>
    public static void Run(string[] args)
    {
        var opts = new BenchOptions(args);
        string Opt(string name, string fallback) => opts.Text(name, fallback);
        int Int(string name, int fallback) => opts.Int(name, fallback);
        var modelDir = Opt("model", "models/fashion-unet-eps");
        var guidance = double.Parse(Opt("guidance", "1"), CultureInfo.InvariantCulture);
        var nfes = Opt("nfe", "5").Split(',').Select(int.Parse).ToArray();
        var metricKind = Opt("metric", "teacher-mean-rmse");
        var (budget, samples, heldout, teacherNfe, seed, parallel) = (Int("budget", 200), Int("samples", 128), Int("heldout", 256), Int("teacher-nfe", 100), Int("seed", 0), Int("parallel", 2));
        var wideNames = new[] { "time_shift", "compensation", "momentum", "teleport", "afs" };
        var wide = Opt("wide", string.Empty) is "all" ? wideNames : Opt("wide", string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries);
        // "plain" is the space before issue 9 (afs off); --plain-afs true keeps the current default (zero-x0 on).
        var space = wide.Length > 0 ? string.Join(", ", wide.Select(w => $"\"{w}\": true")) : Opt("plain-afs", "false") == "true" ? string.Empty : "\"afs\": false";
        var spacings = Opt("spacings", "time-uniform,time-quadratic,logsnr-uniform,karras").Split(',');
        var baselines = Opt("baselines", "ddim,dpm-solver++-2m,dpm-solver++-3m,dpm-solver++-2s,unipc-bh1-2,unipc-bh1-3,unipc-bh2-2,unipc-bh2-3,deis-tab-3,ipndm").Split(',');

        var cardPath = Path.GetFullPath(Path.Combine(modelDir, "model.json"));
        var card = ModelCardReader.Read(cardPath);
        var denoiserOptions = new OnnxDenoiserOptions { GuidanceScale = guidance, IntraOpThreads = 1 };
        using var denoiser = OnnxDenoiser.Open(card, denoiserOptions);
        var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(card.OnnxPath)))
            + string.Create(CultureInfo.InvariantCulture, $"/guidance {guidance:R}");
        var statistics = opts.Has("stats") ? StatisticsFile.Read(opts.Text("stats", string.Empty), card.SampleSize) : null;
        using var features = OnnxFeatureExtractor.Open(Path.Combine(Classifier, "features.onnx"));
        var reference = FeatureStatistics.Load(Path.Combine(Classifier, "features_mean.npy"), Path.Combine(Classifier, "features_cov.npy"));
        var evaluatorOptions = new ScheduleEvaluatorOptions
        {
            DegreeOfParallelism = parallel,
            VerifyTeacher = false,
            Statistics = statistics,
            Features = features,
            ReferenceStatistics = reference,
        };
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"model {modelDir} (ONNX, guidance {guidance}), metric {metricKind}, space {(wide.Length == 0 ? $"plain ({space})" : string.Join("+", wide))}{(statistics is null ? ", no data statistics" : $", statistics {opts.Text("stats", string.Empty)}")}, budget {budget}, samples {samples}/{heldout} held-out, teacher dpm-solver++-3m {teacherNfe} NFE logsnr-uniform, seed {seed}"));
        TimeOneCall(denoiser, samples);
        if (Int("teacher-check", 0) is var check and > 0)
        {
            // The teacher's own accuracy on a small set: mean per-sample RMSE against twice its steps.
            using var checkStore = new InMemoryScoreStore();
            var checkSpec = new MetricSpec { Kind = "teacher-mean-rmse", Samples = check, Seed = 0, HeldOutSamples = check, HeldOutSeed = 1, Teacher = new TeacherSpec { Nfe = teacherNfe } };
            var checkEvaluator = new ScheduleEvaluator(denoiser, hash, checkSpec, checkStore, evaluatorOptions with { VerifyTeacher = true });
            var watch = Stopwatch.StartNew();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"teacher accuracy ({check} samples): {checkEvaluator.Teacher()!.Accuracy:G4} mean per-sample rmse against {2 * teacherNfe} NFE ({watch.Elapsed.TotalSeconds:F0} s)"));
        }

        var spaceLabel = wide.Length == 0 ? "plain" : string.Join("+", wide);
        using IScoreStore store = opts.Has("db") ? LiteDbScoreStore.Open(opts.Text("db", string.Empty)) : new InMemoryScoreStore();
        foreach (var nfe in nfes)
        {
            var spec = SearchSpec.Parse($$"""
                { "format": "schedule-search/search@1", "name": "zoo {{metricKind}} {{spaceLabel}} nfe {{nfe}} seed {{seed}}{{Opt("tag", string.Empty)}}", "model": "{{cardPath}}", "nfe": [{{nfe}}],
                  "metric": { "kind": "{{metricKind}}", "samples": {{samples}}, "seed": 0, "heldout": { "samples": {{heldout}}, "seed": 1 },
                              "teacher": { "preset": "dpm-solver++-3m", "nfe": {{teacherNfe}}, "spacing": "logsnr-uniform" } },
                  "space": { {{space}} },
                  "strategy": { "kind": "default", "population": 24, "seed": {{seed}} },
                  "budget": { "evaluations": {{budget}} },
                  "baselines": [{{string.Join(",", baselines.Select(b => $"\"{b}\""))}}],
                  "baseline_spacings": [{{string.Join(",", spacings.Select(s => $"\"{s}\""))}}] }
                """, "zoo bench");
            if (statistics is null)
            {
                spec = spec with { Space = spec.Space.WithoutDataStatistics() };
            }

            var evaluator = new ScheduleEvaluator(denoiser, hash, spec.Metric, store, evaluatorOptions);
            var watchTeacher = Stopwatch.StartNew();
            evaluator.Teacher(false);
            evaluator.Teacher(true);
            var teacherSeconds = watchTeacher.Elapsed.TotalSeconds;
            var watch = Stopwatch.StartNew();
            var result = new SearchRun(spec, evaluator, store, denoiser.Schedule, new SearchRunOptions { Model = denoiser }).Run();
            var outcome = result.PerNfe.Single();
            var seconds = watch.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"nfe {nfe}: {result.Evaluations} evaluations in {seconds:F0} s (teacher {teacherSeconds:F0} s); {metricKind} scoring: baseline {outcome.BaselineName} {outcome.BestBaseline!.Score:G5}, found {outcome.Best!.Score:G5} ({outcome.Reduction:P1})"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  held-out {metricKind}: baseline {outcome.BaselineHeldOut:G5}, found {outcome.BestHeldOut:G5} (reduction {outcome.HeldOutReduction:P1})"));
            var otherKind = metricKind == "fd" ? "teacher-mean-rmse" : "fd";
            var other = new ScheduleEvaluator(denoiser, hash, spec.Metric with { Kind = otherKind }, store, evaluatorOptions);
            var pair = other.Evaluate([outcome.BestBaseline.Schedule, outcome.Best.Schedule], new EvaluationRequest { HeldOut = true });
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  held-out {otherKind} of the same two: baseline {pair[0].Score:G5}, found {pair[1].Score:G5} (reduction {1 - (pair[1].Score / pair[0].Score):P1})"));
            Describe(outcome.Best.Schedule);
        }
    }

    private static void TimeOneCall(IDenoiser denoiser, int batch)
    {
        var x = new double[batch * denoiser.SampleSize];
        var x0 = new double[x.Length];
        var eps = new double[x.Length];
        var random = new Random(1);
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = random.NextDouble() - 0.5;
        }

        denoiser.Predict(x, batch, 0.5, x0, eps);
        var watch = Stopwatch.StartNew();
        denoiser.Predict(x, batch, 0.5, x0, eps);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"one model call, batch {batch}: {watch.Elapsed.TotalMilliseconds:F0} ms"));
    }

    private static void Describe(SamplerSchedule s)
    {
        Console.WriteLine($"  winner: t = [{string.Join(", ", s.Timesteps.Select(t => t.ToString("F4", CultureInfo.InvariantCulture)))}]");
        Console.WriteLine($"          steps = {string.Join(" | ", s.Steps.Select(st => string.Create(CultureInfo.InvariantCulture, $"{ScheduleNames.Name(st.Method)[..5]} o{st.Order} {ScheduleNames.Name(st.Prediction)} {ScheduleNames.Name(st.Derivative, st.LinearC)} {ScheduleNames.Name(st.Corrector)}{(st.TimeShift != 0 ? $" shift {st.TimeShift:G3}" : "")}{(st.Compensation != 1 ? $" rho {st.Compensation:F3}" : "")}")))}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"          options: afs {ScheduleNames.Name(s.Options.Afs)}, momentum {s.Options.Momentum:F3}"));
    }
}
