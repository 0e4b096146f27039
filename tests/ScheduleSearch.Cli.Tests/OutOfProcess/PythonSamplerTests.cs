using System.Diagnostics;
using ScheduleSearch.Cli.Tests.Support;
using ScheduleSearch.Models.Arrays;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Cli.Tests.OutOfProcess;

/// <summary>
/// python/schedule_search_sampler.py runs schedules exactly as the C# executor does (on gmm-toy-8). Python is the
/// process here; the CLI's <c>schedule preset</c> and <c>sample</c> run in this process (14 process start-ups saved).
/// </summary>
public sealed class PythonSamplerTests
{
    private static readonly string[] Presets = ["dpm-solver++-3m", "dpm-solver-3s", "unipc-bh2-3", "deis-tab-3", "heun", "plms"];

    [PythonFact]
    public void Python_sampler_matches_the_csharp_executor_on_presets_and_a_mixed_schedule()
    {
        using var dir = new TempDirectory();
        var random = new Random(11);
        var noise = Enumerable.Range(0, 48 * 8).Select(_ => Gaussian(random)).ToArray();
        Npy.Write(dir.File("noise.npy"), new NpyArray([48, 8], noise));
        var names = new List<string>();
        foreach (var preset in Presets)
        {
            var made = CliRun.Run("schedule", "preset", preset, "--model", CliProcess.ToyCard, "--nfe", "8", "--out", dir.File(preset + ".json"));
            Assert.True(made.ExitCode == 0, made.ToString());
            names.Add(preset);
        }

        // Noise then data prediction, UniC with compensation, Taylor with a time shift, linear(c) singlestep, the
        // implicit corrector, DEIS, an analytical first step and denoise-to-zero: every code path of the format.
        File.Copy(Path.Combine(CliProcess.RepositoryRoot, "tests", "ScheduleSearch.Cli.Tests", "mixed-schedule.json"), dir.File("mixed.json"));
        names.Add("mixed");

        // GHVB momentum on a third-order multistep schedule (the executor keeps x_s apart from the prediction for it).
        var momentum = File.ReadAllText(dir.File("dpm-solver++-3m.json")).Replace("\"momentum\": 0", "\"momentum\": 0.3", StringComparison.Ordinal);
        Assert.Contains("\"momentum\": 0.3", momentum, StringComparison.Ordinal);
        File.WriteAllText(dir.File("momentum.json"), momentum);
        names.Add("momentum");
        foreach (var name in names)
        {
            var sampled = CliRun.Run("sample", "--model", CliProcess.ToyCard, "--schedule", dir.File(name + ".json"), "--noise", dir.File("noise.npy"), "--out", dir.File(name + ".cs.npy"));
            Assert.True(sampled.ExitCode == 0, sampled.ToString());
        }

        RunPython(dir, names);
        foreach (var name in names)
        {
            var csharp = Npy.Read(dir.File(name + ".cs.npy")).Data;
            var python = Npy.Read(dir.File(name + ".py.npy")).Data;
            var error = Math.Sqrt(csharp.Zip(python, (a, b) => (a - b) * (a - b)).Sum() / csharp.Sum(a => a * a));

            // The C# run goes through the float32 ONNX graph, the Python one through float64 NumPy (SOLVERS.md: 1e-4).
            Assert.True(error < 1e-5, $"{name}: relative L2 difference {error}");
        }
    }

    private static void RunPython(TempDirectory dir, IReadOnlyList<string> names)
    {
        var script = string.Join('\n',
            "import json, sys, numpy as np",
            $"sys.path.insert(0, {Quote(Path.Combine(CliProcess.RepositoryRoot, "python"))})",
            "import schedule_search_sampler as s",
            $"params = json.load(open({Quote(Path.Combine(CliProcess.RepositoryRoot, "models", "gmm-toy-8", "params.json"))}))",
            "noise = np.load('noise.npy')",
            $"for name in {string.Join(string.Empty, "[", string.Join(", ", names.Select(Quote)), "]")}:",
            "    schedule = json.load(open(name + '.json'))",
            "    ns = s.noise_schedule(schedule['time'])",
            "    x = s.initial_state(schedule, noise, ns)",
            "    np.save(name + '.py.npy', s.sample(schedule, s.gmm_denoiser(params, ns), x, noise=ns))");
        var info = new ProcessStartInfo(PythonLocator.Python!, ["-c", script])
        {
            WorkingDirectory = dir.Path,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "python timed out");
        Assert.True(process.ExitCode == 0, stderr.Result);
    }

    private static string Quote(string text) => "'" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());
}
