using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using ScheduleSearch.Bench.Executor;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Solvers;

// The executor's own cost per step (model time excluded) against one plain pass over the same data:
// x[i] = a x[i] + b m[i] on samples of 3x64x64, batch 64 (786,432 doubles). Both are timed side by side, interleaved,
// and the median of the rounds is reported.
var culture = CultureInfo.InvariantCulture;
var batch = args.Length > 0 ? int.Parse(args[0], culture) : 64;
var rounds = args.Length > 1 ? int.Parse(args[1], culture) : 15;
const int sampleSize = 3 * 64 * 64;
const int steps = 10;
var n = batch * sampleSize;
var edm = new EdmSchedule();
var vp = VpDiscreteSchedule.Linear();

(string Name, NoiseSchedule Noise, SamplerSchedule Schedule)[] cases =
[
    ("ddim (order 1)", vp, PresetCatalog.Create("ddim", vp, steps)),
    ("dpm-solver++-2m", vp, PresetCatalog.Create("dpm-solver++-2m", vp, steps)),
    ("dpm-solver++-3m", vp, PresetCatalog.Create("dpm-solver++-3m", vp, steps)),
    ("taylor order 4", vp, Taylor4(vp)),
    ("unipc-bh2-3 (UniP-3 + UniC)", vp, PresetCatalog.Create("unipc-bh2-3", vp, steps)),
    ("dpm-solver-3s (per outer step)", vp, PresetCatalog.Create("dpm-solver-3s", vp, 9)),
    ("deis-tab-3", vp, PresetCatalog.Create("deis-tab-3", vp, steps)),
    ("heun (EDM)", edm, PresetCatalog.Create("heun", edm, (2 * steps) - 1)),
    ("ipndm (EDM)", edm, PresetCatalog.Create("ipndm", edm, steps)),
    ("ipndm (VP)", vp, PresetCatalog.Create("ipndm", vp, steps)),
    ("euler (EDM)", edm, PresetCatalog.Create("euler", edm, steps)),
];

var x = new double[n];
var m = new double[n];
var rng = new Random(1);
for (var i = 0; i < n; i++)
{
    x[i] = rng.NextDouble();
    m[i] = rng.NextDouble();
}

Console.WriteLine($"executor cost per step vs one plain pass (x = a x + b m), batch {batch} x {sampleSize} doubles, {rounds} rounds, median");
Console.WriteLine($"{"step kind",-32} {"step (ms)",10} {"pass (ms)",10} {"passes/step",12} {"passes/NFE",11}");
foreach (var (name, noise, schedule) in cases)
{
    var sampler = new Sampler(new FreeDenoiser(noise, sampleSize));
    var state = new double[n];
    sampler.Run(schedule, state, batch); // warm-up: JIT and buffers
    var perStep = new List<double>();
    var perPass = new List<double>();
    for (var r = 0; r < rounds; r++)
    {
        var watch = Stopwatch.StartNew();
        sampler.Run(schedule, state, batch);
        perStep.Add(watch.Elapsed.TotalMilliseconds / schedule.Steps.Length);
        watch.Restart();
        PlainPass(x, m, 0.99, 0.01);
        perPass.Add(watch.Elapsed.TotalMilliseconds);
    }

    var step = Median(perStep);
    var pass = Median(perPass);
    var perNfe = step * schedule.Steps.Length / schedule.Nfe;
    Console.WriteLine(string.Create(culture, $"{name,-32} {step,10:F3} {pass,10:F3} {step / pass,12:F2} {perNfe / pass,11:F2}"));
}

static SamplerSchedule Taylor4(NoiseSchedule noise)
{
    var s = PresetCatalog.Create("dpm-solver++-3m", noise, steps);
    return s with { Steps = [.. s.Steps.Select((st, i) => st with { Order = Math.Min(4, i + 1), Derivative = DerivativeForm.Taylor })] };
}

static void PlainPass(double[] x, double[] m, double a, double b)
{
    var width = Vector<double>.Count;
    var i = 0;
    for (; i <= x.Length - width; i += width)
    {
        var v = (new Vector<double>(x, i) * a) + (new Vector<double>(m, i) * b);
        v.CopyTo(x, i);
    }

    for (; i < x.Length; i++)
    {
        x[i] = (a * x[i]) + (b * m[i]);
    }
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted[sorted.Length / 2];
}
