using System.Globalization;
using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Spacings;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Models.Gmm;
using ScheduleSearch.Models.Onnx;
using ScheduleSearch.Storage;
using ScheduleSearch.Storage.LiteDb;

// The evaluator's own cost beyond model calls, side by side for OnnxDenoiser and the C# GMM denoiser in one run:
//   dotnet run --project bench/ScheduleSearch.Bench.Evaluation -c Release -- [CARD] [--device cpu|cuda:0]
//       [--samples 1024] [--candidates 40] [--nfe 5] [--rounds 5] [--metric teacher-mean-rmse] [--store memory|litedb] [--parallel 1]
// Each round scores a fresh set of distinct candidates (presets on jittered grids, all cache misses) with each
// backend; the evaluator's counters give the time inside model calls and the time inside Evaluate (teacher excluded).
// Overhead = 1 - model time / Evaluate time: sampler arithmetic, the metric, robust details, keys and the store.
var card = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : Path.Combine("models", "gmm-64", "model.json");
string Option(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

int IntOption(string name, int fallback) => int.Parse(Option(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

var device = Option("--device", "cpu");
var samples = IntOption("--samples", 1024);
var candidatesPerRound = IntOption("--candidates", 40);
var nfe = IntOption("--nfe", 5);
var rounds = IntOption("--rounds", 5);
var parallel = IntOption("--parallel", 1);
var metricKind = Option("--metric", "teacher-mean-rmse");
var storeKind = Option("--store", "memory");

using var onnx = OnnxDenoiser.Open(card, new OnnxDenoiserOptions { Device = device, MaxBatch = samples, DeviceMessage = Console.Error.WriteLine });
var mixture = GmmParametersJson.Read(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(card))!, "params.json"));
var gmm = new GaussianMixtureDenoiser(mixture, onnx.Schedule);
var spec = new MetricSpec
{
    Kind = metricKind,
    Samples = samples,
    Seed = 0,
    Teacher = new TeacherSpec { Preset = "dpm-solver++-3m", Nfe = 100, Spacing = "logsnr-uniform" },
};
var options = new ScheduleEvaluatorOptions { VerifyTeacher = false, Mixture = mixture, DegreeOfParallelism = parallel };
var temp = Path.Combine(Path.GetTempPath(), "bench-evaluation-" + Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(temp);
IScoreStore OpenStore(string name) => storeKind == "litedb" ? LiteDbScoreStore.Open(Path.Combine(temp, name + ".db")) : new InMemoryScoreStore();

var onnxStore = OpenStore("onnx");
var gmmStore = OpenStore("gmm");
var backends = new (string Name, ScheduleEvaluator Evaluator)[]
{
    ("OnnxDenoiser", new ScheduleEvaluator(onnx, "bench-onnx", spec, onnxStore, options)),
    ("C# GMM", new ScheduleEvaluator(gmm, "bench-gmm", spec, gmmStore, options)),
};
foreach (var (name, evaluator) in backends)
{
    evaluator.Teacher();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: teacher ready ({evaluator.Counters.TeacherModelCalls} calls, {evaluator.Counters.TeacherTime.TotalSeconds:F1} s)"));
}

string[] presets = ["ddim", "dpm-solver++-2m", "dpm-solver++-3m", "unipc-bh1-3", "unipc-bh2-2", "unipc-bh2-3"];
var random = new Random(1);
SamplerSchedule[] Candidates()
{
    var list = new List<SamplerSchedule>();
    while (list.Count < candidatesPerRound)
    {
        var preset = presets[random.Next(presets.Length)];
        var grid = PresetCatalog.Create(preset, onnx.Schedule, nfe, Spacing.TimeUniform).Timesteps.ToArray();
        for (var i = 1; i < grid.Length - 1; i++)
        {
            // Jitter interior points within a third of the neighbouring gaps: distinct, still descending.
            var gap = Math.Min(grid[i - 1] - grid[i], grid[i] - grid[i + 1]);
            grid[i] += (random.NextDouble() - 0.5) * gap * 0.66;
        }

        list.Add(PresetCatalog.Create(preset, onnx.Schedule, grid));
    }

    return [.. list];
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"model {card}, device {onnx.Device}, metric {metricKind}, {samples} samples, NFE {nfe}, {candidatesPerRound} candidates per round, store {storeKind}, parallel {parallel}"));
Console.WriteLine("round | backend      | evaluations | model calls | Evaluate s | model s | per evaluation ms | overhead ms | overhead share");
var shares = backends.ToDictionary(b => b.Name, _ => new List<double>());
var perEvaluation = backends.ToDictionary(b => b.Name, _ => new List<double>());
for (var round = 0; round < rounds; round++)
{
    var candidates = Candidates();
    foreach (var (name, evaluator) in backends)
    {
        var before = evaluator.Counters;
        var results = evaluator.Evaluate(candidates, new EvaluationRequest());
        var c = evaluator.Counters.Since(before);
        if (results.Any(r => r.Status != EvaluationStatus.Ok) || results.Any(r => r.CacheHit))
        {
            Console.Error.WriteLine($"{name}: {results.Count(r => r.Status != EvaluationStatus.Ok)} not ok, {results.Count(r => r.CacheHit)} cache hits");
        }

        var overheadMs = (c.TotalTime - c.ModelTime).TotalMilliseconds / c.Evaluations;
        if (round > 0)
        {
            // Round 0 warms up the JIT and the sampler's buffers.
            shares[name].Add(c.OverheadFraction);
            perEvaluation[name].Add(c.TotalTime.TotalMilliseconds / c.Evaluations);
        }

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{round,5} | {name,-12} | {c.Evaluations,11} | {c.ModelCalls,11} | {c.TotalTime.TotalSeconds,10:F3} | {c.ModelTime.TotalSeconds,7:F3} | {c.TotalTime.TotalMilliseconds / c.Evaluations,17:F2} | {overheadMs,11:F3} | {c.OverheadFraction,14:P1}"));
    }
}

foreach (var (name, _) in backends)
{
    var s = shares[name].Order().ToArray();
    var e = perEvaluation[name].Order().ToArray();
    if (s.Length > 0)
    {
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{name}: median overhead share {s[s.Length / 2]:P1} (range {s[0]:P1}-{s[^1]:P1}), median {e[e.Length / 2]:F2} ms per evaluation; aim < 10%"));
    }
}

onnxStore.Dispose();
gmmStore.Dispose();
Directory.Delete(temp, recursive: true);
