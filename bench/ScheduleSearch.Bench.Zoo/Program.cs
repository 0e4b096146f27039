using System.Diagnostics;
using System.Globalization;
using ScheduleSearch.Bench.Zoo;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Solvers;
using ScheduleSearch.Models.Onnx;

// Model-zoo checks on the trained Fashion-MNIST networks (issue 8), CPU, through Core's Sampler and OnnxDenoiser:
//
//   dotnet run --project bench/ScheduleSearch.Bench.Zoo -c Release -- guided [--per-class N] [--scale W] [--nfe K] [--preset P] [--threads T]
//       class-conditional samples of models/fashion-unet-eps at guidance W (default 3, DPM-Solver++ 3M, 50 NFE,
//       N = 50 per class), classified by models/fashion-classifier/classifier.onnx: fraction of the requested class.
//   dotnet run --project bench/ScheduleSearch.Bench.Zoo -c Release -- grid MODEL [--scale W] [--nfe K] [--preset P] [--seed S]
//       writes models/MODEL/samples.png: 80 samples (8 rows x 10 columns; for fashion-unet-eps column k is class k).
//
// Run from the repository root.
var inv = CultureInfo.InvariantCulture;
if (args.Length == 0 || args[0] is not ("guided" or "grid"))
{
    Console.Error.WriteLine("usage: guided [--per-class N] [--scale W] [--nfe K] [--preset P] [--threads T] | grid MODEL [--scale W] [--nfe K] [--preset P] [--seed S]");
    return 2;
}

string Option(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

var preset = Option("--preset", "dpm-solver++-3m");
var nfe = int.Parse(Option("--nfe", args[0] == "guided" ? "50" : "20"), inv);
var threads = int.Parse(Option("--threads", "1"), inv);

if (args[0] == "grid")
{
    var model = args[1];
    var card = Path.Combine("models", model, "model.json");
    var scale = double.Parse(Option("--scale", model == "fashion-unet-eps" ? "3" : "1"), inv);
    const int count = 80;
    var x = Generate(card, scale, count, int.Parse(Option("--seed", "0"), inv), out var seconds);
    var output = Path.Combine("models", model, "samples.png");
    PngGrid.Write(output, x, count, columns: 10);
    var range = $"min {x.Min():F3}, max {x.Max():F3}";
    Console.WriteLine(string.Create(inv, $"{model}: {count} samples, {preset}, {nfe} NFE, guidance {scale}, {seconds:F1} s, {range} -> {output}"));
    return 0;
}

{
    var perClass = int.Parse(Option("--per-class", "50"), inv);
    var scale = double.Parse(Option("--scale", "3"), inv);
    var count = perClass * 10;
    var x = Generate(Path.Combine("models", "fashion-unet-eps", "model.json"), scale, count, 1234, out var seconds);
    using var classifier = new ImageClassifier(Path.Combine("models", "fashion-classifier", "classifier.onnx"), threads);
    var predicted = classifier.Classify(x, count);
    var correct = new int[10];
    for (var i = 0; i < count; i++)
    {
        if (predicted[i] == i % 10)
        {
            correct[i % 10]++;
        }
    }

    var total = correct.Sum();
    Console.WriteLine(string.Create(inv, $"fashion-unet-eps, guidance {scale}, {preset}, {nfe} NFE, {count} samples ({perClass} per class), {seconds:F1} s sampling"));
    Console.WriteLine(string.Create(inv, $"classified as the requested class: {total}/{count} = {100.0 * total / count:F1}%"));
    Console.WriteLine("per class: " + string.Join(", ", correct.Select((c, k) => string.Create(inv, $"{k}: {100.0 * c / perClass:F0}%"))));
    return 0;
}

double[] Generate(string card, double scale, int count, int seed, out double seconds)
{
    // Row i asks for class i mod 10 (OnnxDenoiser's default labels for a card with a guidance block).
    using var denoiser = OnnxDenoiser.Open(card, new OnnxDenoiserOptions { GuidanceScale = scale, IntraOpThreads = threads, MaxBatch = 100 });
    var plan = PresetCatalog.Create(preset, denoiser.Schedule, nfe);
    var random = new Random(seed);
    var noise = new double[count * denoiser.SampleSize];
    for (var i = 0; i < noise.Length; i++)
    {
        noise[i] = Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());
    }

    var x = new double[noise.Length];
    Sampler.InitialState(denoiser.Schedule, plan.Timesteps[0], noise, x);
    var watch = Stopwatch.StartNew();
    new Sampler(denoiser).Run(plan, x, count);
    seconds = watch.Elapsed.TotalSeconds;
    return x;
}
