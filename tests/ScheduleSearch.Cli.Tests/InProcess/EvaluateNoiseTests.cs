using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ScheduleSearch.Cli.Tests.Support;
using ScheduleSearch.Models.Arrays;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Cli.Tests.InProcess;

/// <summary>
/// evaluate --noise: a figure the tool reports can be checked outside it. The schedule and the teacher are run on the
/// same noise by sample, and teacher-rmse / teacher-mean-rmse recomputed from those raw arrays (NumPy where it is
/// installed, and in C#) equal what evaluate reports to 1e-6 relative.
/// </summary>
public sealed class EvaluateNoiseTests
{
    private const int Samples = 256;
    private const int Dimension = 8;
    private const string TeacherNfe = "60";

    [Fact]
    public void Evaluate_on_given_noise_equals_both_metrics_recomputed_from_the_sampled_arrays()
    {
        using var dir = new TempDirectory();
        var (rmse, meanRmse) = EvaluateBoth(dir);
        var x = Npy.Read(dir.File("x.npy")).Data;
        var teacher = Npy.Read(dir.File("teacher.npy")).Data;

        var squares = 0.0;
        var perSample = 0.0;
        for (var i = 0; i < Samples; i++)
        {
            var row = 0.0;
            for (var d = 0; d < Dimension; d++)
            {
                var diff = x[(i * Dimension) + d] - teacher[(i * Dimension) + d];
                row += diff * diff;
            }

            squares += row;
            perSample += Math.Sqrt(row / Dimension);
        }

        AssertRelative(Math.Sqrt(squares / (Samples * Dimension)), rmse);
        AssertRelative(perSample / Samples, meanRmse);
        Assert.True(rmse > meanRmse * 1.0001, $"the root of the mean square ({rmse}) is above the mean of roots ({meanRmse}) unless all samples err alike");
    }

    [PythonFact]
    public void Evaluate_on_given_noise_equals_numpys_computation_on_the_sampled_arrays()
    {
        using var dir = new TempDirectory();
        var (rmse, meanRmse) = EvaluateBoth(dir);
        const string script = "import numpy as np\nx = np.load('x.npy'); t = np.load('teacher.npy')\n"
            + "print(repr(float(np.sqrt(np.mean((x - t) ** 2)))))\nprint(repr(float(np.mean(np.sqrt(np.mean((x - t) ** 2, axis=1))))))\n";
        var info = new ProcessStartInfo(PythonLocator.Python!, ["-c", script]) { WorkingDirectory = dir.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000) && process.ExitCode == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        AssertRelative(double.Parse(lines[0], CultureInfo.InvariantCulture), rmse);
        AssertRelative(double.Parse(lines[1], CultureInfo.InvariantCulture), meanRmse);
    }

    [Fact]
    public void Evaluate_on_the_same_noise_again_is_a_cache_hit_and_other_noise_is_scored_afresh()
    {
        using var dir = new TempDirectory();
        Prepare(dir);
        var first = Evaluate(dir, "teacher-rmse", "noise.npy");
        var again = Evaluate(dir, "teacher-rmse", "noise.npy");
        WriteNoise(dir.File("other.npy"), seed: 2);
        var other = Evaluate(dir, "teacher-rmse", "other.npy");

        Assert.False(first.GetProperty("cache_hit").GetBoolean());
        Assert.True(again.GetProperty("cache_hit").GetBoolean());
        Assert.Equal(first.GetProperty("score").GetDouble(), again.GetProperty("score").GetDouble());
        Assert.False(other.GetProperty("cache_hit").GetBoolean());
        Assert.NotEqual(first.GetProperty("score").GetDouble(), other.GetProperty("score").GetDouble());
    }

    [Theory]
    [InlineData("int", "has dtype '<i8'; noise must be floating-point")]
    [InlineData("big-endian", "dtype '>f8' is not supported")]
    [InlineData("shape", "has shape [16, 4]; the model's samples have shape [8], so expected [samples, 8]")]
    [InlineData("vector", "has shape [8]; expected [samples, ...the model's sample shape]")]
    [InlineData("missing", "does not exist")]
    public void Bad_noise_files_are_refused_naming_the_file_and_what_was_expected(string kind, string expected)
    {
        using var dir = new TempDirectory();
        Prepare(dir);
        var path = dir.File("bad.npy");
        switch (kind)
        {
            case "int":
                WriteRaw(path, "<i8", "(4, 8)", new byte[4 * 8 * 8]);
                break;
            case "big-endian":
                WriteRaw(path, ">f8", "(4, 8)", new byte[4 * 8 * 8]);
                break;
            case "shape":
                Npy.Write(path, new NpyArray([16, 4], new double[64]));
                break;
            case "vector":
                Npy.Write(path, new NpyArray([8], new double[8]));
                break;
        }

        var result = CliRun.Run("evaluate", "--model", CliProcess.ToyCard, "--schedule", dir.File("s.json"), "--noise", path, "--db", dir.File("e.db"), "--teacher-nfe", TeacherNfe);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--noise: ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("bad.npy", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
    }

    private static (double Rmse, double MeanRmse) EvaluateBoth(TempDirectory dir)
    {
        Prepare(dir);
        Assert.Equal(0, CliRun.Run("schedule", "preset", "dpm-solver++-3m", "--model", CliProcess.ToyCard, "--nfe", TeacherNfe, "--spacing", "logsnr-uniform", "--out", dir.File("teacher-schedule.json")).ExitCode);
        foreach (var (schedule, output) in new[] { ("s.json", "x.npy"), ("teacher-schedule.json", "teacher.npy") })
        {
            var sampled = CliRun.Run("sample", "--model", CliProcess.ToyCard, "--schedule", dir.File(schedule), "--noise", dir.File("noise.npy"), "--out", dir.File(output));
            Assert.True(sampled.ExitCode == 0, sampled.ToString());
        }

        var rmse = Evaluate(dir, "teacher-rmse", "noise.npy");
        var meanRmse = Evaluate(dir, "teacher-mean-rmse", "noise.npy");
        Assert.Equal("teacher-rmse", rmse.GetProperty("metric").GetString());
        Assert.Equal("teacher-mean-rmse", meanRmse.GetProperty("metric").GetString());
        Assert.Equal(Samples, rmse.GetProperty("samples").GetInt32());
        return (rmse.GetProperty("score").GetDouble(), meanRmse.GetProperty("score").GetDouble());
    }

    private static void Prepare(TempDirectory dir)
    {
        WriteNoise(dir.File("noise.npy"), seed: 1);
        Assert.Equal(0, CliRun.Run("schedule", "preset", "unipc-bh1-3", "--model", CliProcess.ToyCard, "--nfe", "5", "--spacing", "time-uniform", "--out", dir.File("s.json")).ExitCode);
    }

    private static JsonElement Evaluate(TempDirectory dir, string metric, string noise)
    {
        var result = CliRun.Run("evaluate", "--model", CliProcess.ToyCard, "--schedule", dir.File("s.json"), "--noise", dir.File(noise), "--metric", metric,
            "--teacher-nfe", TeacherNfe, "--db", dir.File("e.db"), "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonDocument.Parse(result.Stdout).RootElement.Clone();
    }

    /// <summary>Standard-normal draws (Box-Muller on a seeded System.Random), float32 so the reader's dtype conversion is covered.</summary>
    private static void WriteNoise(string path, int seed)
    {
        var random = new Random(seed);
        var values = new double[Samples * Dimension];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());
        }

        Npy.Write(path, new NpyArray([Samples, Dimension], values), float32: true);
    }

    private static void WriteRaw(string path, string descr, string shape, byte[] data)
    {
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        header = header.PadRight(118 - 1) + "\n";
        using var stream = File.Create(path);
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        stream.Write(BitConverter.GetBytes((ushort)header.Length));
        stream.Write(Encoding.ASCII.GetBytes(header));
        stream.Write(data);
    }

    private static void AssertRelative(double expected, double actual) =>
        Assert.True(Math.Abs(actual - expected) <= 1e-6 * Math.Abs(expected), $"expected {expected:R}, evaluate reported {actual:R}");
}
