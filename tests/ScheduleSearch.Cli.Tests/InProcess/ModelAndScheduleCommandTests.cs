using ScheduleSearch.Cli.Tests.Support;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Models.Arrays;
using ScheduleSearch.Models.Cards;
using ScheduleSearch.Models.Gmm;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Cli.Tests.InProcess;

/// <summary>schedule preset, sample, model gmm and model inspect run in this process on the built-in toy model.</summary>
public sealed class ModelAndScheduleCommandTests
{
    [Fact]
    public void Every_command_of_the_contract_has_help()
    {
        foreach (var command in new[] { "run", "list", "show", "export", "evaluate", "baselines", "sample", "schedule preset", "model gmm", "model inspect", "plot" })
        {
            var result = CliRun.Run([.. command.Split(' '), "--help"]);
            Assert.True(result.ExitCode == 0, command + ": " + result);
            Assert.Contains("Usage:", result.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Schedule_preset_writes_a_schedule_file_that_reads_back_with_the_asked_nfe()
    {
        using var dir = new TempDirectory();
        var result = CliRun.Run("schedule", "preset", "unipc-bh2-3", "--model", CliProcess.ToyCard, "--nfe", "6", "--spacing", "time-uniform", "--out", dir.File("s.json"));
        Assert.True(result.ExitCode == 0, result.ToString());
        var schedule = ScheduleJson.Read(File.ReadAllText(dir.File("s.json")), "s.json");
        Assert.Equal(6, schedule.Nfe);
        Assert.Equal("vp-discrete", schedule.Time);
    }

    [Fact]
    public void Schedule_preset_dpm_solver_v3_writes_what_its_steps_read_of_the_cards_statistics_beside_the_file_and_names_it()
    {
        using var dir = new TempDirectory();
        var card = Path.Combine(CliProcess.RepositoryRoot, "models", "gmm-64", "model.json");
        var path = Path.Combine(dir.Path, "out", "v3.schedule.json");
        var result = CliRun.Run("schedule", "preset", "dpm-solver-v3", "--model", card, "--nfe", "5", "--out", path);
        Assert.True(result.ExitCode == 0, result.ToString());
        var side = Path.Combine(dir.Path, "out", "v3.ems.npz");
        Assert.Contains($"wrote {side} (the dpm-solver-v3 statistics the schedule's v3 steps read)", result.Stdout, StringComparison.Ordinal);
        var schedule = ScheduleJson.Read(File.ReadAllText(path), path);
        Assert.Equal("v3.ems.npz", schedule.EmsFile);
        Assert.Null(schedule.StatisticsFile);
        // Not the card's whole grid: the integrals at the schedule's 6 times and E_1..E_4 of its 5 steps (EmsExcerptFile).
        var cardFile = Path.Combine(CliProcess.RepositoryRoot, "models", "gmm-64", "ems.npz");
        var integrals = EmsFile.Read(cardFile, 64).Integrals;
        var written = Npz.Read(side);
        Assert.Equal(integrals.Statistics.Lambda.ToArray(), written["lambda"].Data);
        Assert.Equal([6, 6, 64], written["points"].Shape);
        Assert.Equal([5, EmsExcerptFile.MaxK, 64], written["intervals"].Shape);
        Assert.True(new FileInfo(side).Length * 40 < new FileInfo(cardFile).Length, $"{new FileInfo(side).Length} bytes");
        var noise = ModelCardReader.Read(card).Schedule.Create();
        var values = new double[6 * 64];
        for (var p = 0; p < schedule.Timesteps.Length; p++)
        {
            var at = integrals.Locate(noise.Lambda(schedule.Timesteps[p]))!.Value;
            Assert.Equal(at.Index, written["points_index"].Data[p]);
            integrals.ValuesAt(at, values);
            Assert.Equal(values, written["points"].Data.AsSpan(p * 6 * 64, 6 * 64).ToArray());
        }

        // Printed instead of written, it says what the package would miss and how to get it.
        var printed = CliRun.Run("schedule", "preset", "dpm-solver-v3", "--model", card, "--nfe", "5");
        Assert.True(printed.ExitCode == 0, printed.ToString());
        Assert.Contains("warning: this schedule reads the model's DPM-Solver-v3 statistics (its v3 steps), which the Python package takes from files beside the schedule file, not from this text: write it with --out FILE to write them there", printed.Stderr, StringComparison.Ordinal);

        // The tool still runs the file, which names the side file only for the package.
        Npy.Write(dir.File("noise.npy"), new NpyArray([4, 64], Enumerable.Range(0, 256).Select(i => Math.Sin(i)).ToArray()));
        var sampled = CliRun.Run("sample", "--model", card, "--schedule", path, "--noise", dir.File("noise.npy"), "--out", dir.File("x.npy"));
        Assert.True(sampled.ExitCode == 0, sampled.ToString());
    }

    [Fact]
    public void Schedule_preset_without_dpm_solver_v3_steps_writes_no_side_file()
    {
        using var dir = new TempDirectory();
        var card = Path.Combine(CliProcess.RepositoryRoot, "models", "gmm-64", "model.json");
        var result = CliRun.Run("schedule", "preset", "dpm-solver++-2m", "--model", card, "--nfe", "5", "--out", dir.File("s.json"));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["s.json"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
        Assert.Null(ScheduleJson.Read(File.ReadAllText(dir.File("s.json")), "s.json").EmsFile);
    }

    [Fact]
    public void Schedule_preset_accepts_an_explicit_grid()
    {
        using var dir = new TempDirectory();
        var grid = dir.Write("t.json", "[1.0, 0.6, 0.3, 0.1, 0.001]");
        var result = CliRun.Run("schedule", "preset", "dpm-solver++-2m", "--model", CliProcess.ToyCard, "--timesteps", grid, "--out", dir.File("s.json"));
        Assert.True(result.ExitCode == 0, result.ToString());
        var schedule = ScheduleJson.Read(File.ReadAllText(dir.File("s.json")), "s.json");
        Assert.Equal(new[] { 1.0, 0.6, 0.3, 0.1, 0.001 }, schedule.Timesteps.ToArray());
    }

    [Fact]
    public void Sample_runs_a_schedule_on_given_noise_and_keeps_the_shape()
    {
        using var dir = new TempDirectory();
        Assert.Equal(0, CliRun.Run("schedule", "preset", "ddim", "--model", CliProcess.ToyCard, "--nfe", "10", "--out", dir.File("s.json")).ExitCode);
        var random = new Random(3);
        var noise = Enumerable.Range(0, 32 * 8).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        Npy.Write(dir.File("noise.npy"), new NpyArray([32, 8], noise));
        var result = CliRun.Run("sample", "--model", CliProcess.ToyCard, "--schedule", dir.File("s.json"), "--noise", dir.File("noise.npy"), "--out", dir.File("out.npy"));
        Assert.True(result.ExitCode == 0, result.ToString());
        var samples = Npy.Read(dir.File("out.npy"));
        Assert.Equal([32, 8], samples.Shape);
        Assert.All(samples.Data, v => Assert.True(double.IsFinite(v)));
        Assert.NotEqual(noise, samples.Data);
    }

    [Fact]
    public void Model_gmm_builds_a_model_that_model_inspect_passes()
    {
        using var dir = new TempDirectory();
        var parameters = dir.Write("p.json", """{ "weights": [0.3, 0.7], "means": [[1, -1, 0], [-1, 1, 0.5]], "variances": [[0.1, 0.2, 0.3], [0.2, 0.1, 0.05]] }""");
        var built = CliRun.Run("model", "gmm", "--params", parameters, "--out", dir.File("m"), "--schedule", "edm");
        Assert.True(built.ExitCode == 0, built.ToString());
        var inspected = CliRun.Run("model", "inspect", Path.Combine(dir.File("m"), "model.json"));
        Assert.True(inspected.ExitCode == 0, inspected.ToString());
        Assert.Contains("PASS", inspected.Stdout, StringComparison.Ordinal);
        Assert.Contains("edm", inspected.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Model_gmm_fits_a_mixture_to_a_npy_file()
    {
        using var dir = new TempDirectory();
        // Two clusters of 100 rows each, at (1, 1, 1, 1) and (-1, -1, -1, -1), spread +/-0.05 in every coordinate.
        var random = new Random(1);
        var rows = Enumerable.Range(0, 200 * 4).Select(i => ((i / 4) % 2 == 0 ? 1.0 : -1.0) + (0.1 * (random.NextDouble() - 0.5))).ToArray();
        Npy.Write(dir.File("data.npy"), new NpyArray([200, 4], rows));
        var result = CliRun.Run("model", "gmm", "--fit-npy", dir.File("data.npy"), "--components", "2", "--out", dir.File("fitted"));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(File.Exists(dir.File(Path.Combine("fitted", "model.onnx"))));
        var fitted = GmmParametersJson.Read(dir.File(Path.Combine("fitted", "params.json")));
        var means = fitted.Means.OrderByDescending(m => m[0]).ToArray();
        Assert.Equal(2, means.Length);
        Assert.All(means[0], v => Assert.InRange(v, 0.95, 1.05));
        Assert.All(means[1], v => Assert.InRange(v, -1.05, -0.95));
        Assert.All(fitted.Weights, w => Assert.InRange(w, 0.45, 0.55));
    }
}
