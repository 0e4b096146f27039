using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using ScheduleSearch.Bench;
using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Models.Gmm;
using ScheduleSearch.Models.Onnx;
using ScheduleSearch.Search.Running;
using ScheduleSearch.Search.Specs;
using ScheduleSearch.Storage;

// Lockstep evaluation (issue 6): the same search with candidates evaluated one at a time and in lockstep waves whose
// model calls are batched round by round, in one process. Prints model calls and model runs per evaluated candidate,
// time inside the model and wall time per candidate, the speed-up against one at a time, and whether every
// configuration evaluated the same candidates with the same scores (bit for bit).
// Usage: --model models/gmm-64 --nfe 5 --budget 400 --strategy evolutionary --samples 1024 --seed 0
//        --configs single:256,lockstep50:256,lockstep50:65536  (name:MaxBatch; lockstepN = N candidates side by side)
//        [--exact 1]  (the float64 GMM of params.json instead of the card's ONNX graph; MaxBatch is then ignored)
//        [--device cpu]  (the ONNX device: cpu or cuda:N)
var arguments = new BenchArguments(args);
var modelDir = arguments.Text("model", "models/gmm-64");
var nfe = arguments.Int("nfe", 5);
var budget = arguments.Int("budget", 400);
var strategy = arguments.Text("strategy", "evolutionary");
var samples = arguments.Int("samples", 1024);
var seed = arguments.Int("seed", 0);
var exact = arguments.Text("exact", "0") == "1";
var device = arguments.Text("device", "cpu");
var configs = arguments.Text("configs", "single:256,lockstep50:256,lockstep50:65536").Split(',')
    .Select(c => (Name: c.Split(':')[0], MaxBatch: int.Parse(c.Split(':')[1], CultureInfo.InvariantCulture))).ToArray();
var card = Path.GetFullPath(Path.Combine(modelDir, "model.json"));
var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(modelDir, exact ? "params.json" : "model.onnx"))));
Console.WriteLine($"model {modelDir} ({(exact ? "exact float64 GMM" : $"ONNX on {device}")}), {strategy}, NFE {nfe}, budget {budget}, {samples} samples, seed {seed}, prefix cache {ScheduleEvaluatorOptions.DefaultPrefixCacheBytes >> 20} MiB");
Console.WriteLine("config              max batch | evaluations | calls/cand | runs/cand | model ms/cand | wall ms/cand | speed-up | identical");

List<(string Key, double Score)>? reference = null;
double? referenceWall = null;
foreach (var (name, maxBatch) in configs)
{
    var lockstep = name.StartsWith("lockstep", StringComparison.Ordinal) ? int.Parse(name["lockstep".Length..], CultureInfo.InvariantCulture) : 0;
    using var onnx = exact ? null : OnnxDenoiser.Open(card, new OnnxDenoiserOptions { MaxBatch = maxBatch, Device = device });
    var mixture = GmmParametersJson.Read(Path.Combine(modelDir, "params.json"));
    IDenoiser denoiser = onnx ?? (IDenoiser)new GaussianMixtureDenoiser(mixture, VpDiscreteSchedule.Linear());
    var spec = SearchSpec.Parse($$"""
        { "format": "schedule-search/search@1", "name": "lockstep bench", "model": "{{card}}", "nfe": [{{nfe}}],
          "metric": { "kind": "teacher-mean-rmse", "samples": {{samples}}, "seed": 0, "heldout": { "samples": {{samples}}, "seed": 1 } },
          "space": { "time_shift": false },
          "strategy": { "kind": "{{strategy}}", "population": 50, "seed": {{seed}} },
          "budget": { "evaluations": {{budget}} } }
        """, "bench");
    using var store = new InMemoryScoreStore();
    var evaluator = new ScheduleEvaluator(denoiser, hash, spec.Metric, store, new ScheduleEvaluatorOptions
    {
        VerifyTeacher = false,
        Statistics = DataStatistics.Of(mixture),
        Mixture = mixture,
        LockstepCandidates = lockstep,
    });
    evaluator.Teacher(false);
    var before = evaluator.Counters;
    var watch = Stopwatch.StartNew();
    new SearchRun(spec, evaluator, store, denoiser.Schedule, new SearchRunOptions { Model = denoiser, SkipHeldOut = true }).Run();
    var wall = watch.Elapsed.TotalMilliseconds;
    var c = evaluator.Counters.Since(before);
    var history = store.GetSearchEvaluations(spec.Name).Select(r => (r.Key, r.Score)).ToList();
    reference ??= history;
    referenceWall ??= wall;
    var identical = history.SequenceEqual(reference);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-19} {(exact ? "-" : maxBatch.ToString(CultureInfo.InvariantCulture)),9} | {c.Evaluations,11} | {(double)c.ModelCalls / c.Evaluations,10:F3} | {(double)c.ModelRuns / c.Evaluations,9:F3} | {c.ModelTime.TotalMilliseconds / c.Evaluations,13:F2} | {wall / c.Evaluations,12:F2} | {referenceWall.Value / wall,7:F2}x | {(identical ? "yes" : "NO"),9}"));
}
