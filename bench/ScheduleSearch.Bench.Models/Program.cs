using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using ScheduleSearch.Models.Onnx;

// OnnxDenoiser's overhead over a bare InferenceSession.Run, side by side in one process on one shared session:
//   dotnet run --project bench/ScheduleSearch.Bench.Models -c Release -- [CARD] [--device cpu|cuda:0] [--batch 256] [--rounds 15] [--runs 40]
// Bare: float32 OrtValues prepared once, outputs preallocated, Run only. OnnxDenoiser: Predict on float64 states,
// i.e. conversion in and out, the VE-view scaling and the eps computation included. Rounds alternate the two.
var card = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : Path.Combine("models", "gmm-64", "model.json");
string Option(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

var device = Option("--device", "cpu");
var batch = int.Parse(Option("--batch", "256"), CultureInfo.InvariantCulture);
var rounds = int.Parse(Option("--rounds", "15"), CultureInfo.InvariantCulture);
var runs = int.Parse(Option("--runs", "40"), CultureInfo.InvariantCulture);

using var denoiser = OnnxDenoiser.Open(card, new OnnxDenoiserOptions { Device = device, MaxBatch = batch, DeviceMessage = Console.Error.WriteLine });
var d = denoiser.SampleSize;
var random = new Random(0);
var x = Enumerable.Range(0, batch * d).Select(_ => (2 * random.NextDouble()) - 1).ToArray();
var x0 = new double[x.Length];
var eps = new double[x.Length];
const double t = 0.5;
var veSigma = denoiser.Schedule.VeSigma(t);
var alpha = denoiser.Schedule.Alpha(t);

var session = denoiser.Session;
var sampleName = denoiser.Card.Inputs.Sample;
var timeName = denoiser.Card.Inputs.Time;
using var xValue = OrtValue.CreateTensorValueFromMemory(x.Select(v => (float)(v / alpha)).ToArray(), [batch, d]);
using var sigmaValue = OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat((float)veSigma, batch).ToArray(), [batch]);
using var outValue = OrtValue.CreateTensorValueFromMemory(new float[batch * d], [batch, d]);
using var runOptions = new RunOptions();
string[] inputNames = [sampleName, timeName];
OrtValue[] inputs = [xValue, sigmaValue];
string[] outputNames = [denoiser.Card.Output.Name];
OrtValue[] outputs = [outValue];

void Bare() => session.Run(runOptions, inputNames, inputs, outputNames, outputs);
void Adapter() => denoiser.Predict(x, batch, t, x0, eps);

for (var i = 0; i < 20; i++)
{
    Bare();
    Adapter();
}

var bareTimes = new List<double>();
var adapterTimes = new List<double>();
for (var round = 0; round < rounds; round++)
{
    // Alternate which goes first so that drift (clock, cache, other load) hits both alike.
    if (round % 2 == 0)
    {
        bareTimes.Add(Time(Bare, runs));
        adapterTimes.Add(Time(Adapter, runs));
    }
    else
    {
        adapterTimes.Add(Time(Adapter, runs));
        bareTimes.Add(Time(Bare, runs));
    }
}

var bare = Median(bareTimes);
var adapter = Median(adapterTimes);
var ratios = bareTimes.Zip(adapterTimes, (b, a) => a / b).ToList();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"model {denoiser.Card.Name}, device {denoiser.Device}, batch {batch}, {rounds} rounds x {runs} runs, {Environment.ProcessorCount} cores"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bare InferenceSession.Run: median {bare * 1e3:F3} ms per call"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"OnnxDenoiser.Predict:      median {adapter * 1e3:F3} ms per call"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"overhead ratio (median of per-round ratios): {Median(ratios):F3}  [min {ratios.Min():F3}, max {ratios.Max():F3}]"));

static double Time(Action action, int runs)
{
    var watch = Stopwatch.StartNew();
    for (var i = 0; i < runs; i++)
    {
        action();
    }

    return watch.Elapsed.TotalSeconds / runs;
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]);
}
