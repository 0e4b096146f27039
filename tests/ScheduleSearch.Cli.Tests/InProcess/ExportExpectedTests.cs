using System.Globalization;
using System.Text.Json;
using ScheduleSearch.Cli.Tests.Support;
using ScheduleSearch.Models.Cards;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Cli.Tests.InProcess;

/// <summary>
/// <c>export</c>'s approximate formats say what they keep of the schedule's gain: an "expected" block with the score of
/// the target's run, the exact schedule's and the best baseline's (held-out, the search's metric), and a warning when
/// the approximation is no better than the best baseline. The tiny search's baselines include UniPC, which its NFE-4
/// approximations do not beat; <see cref="WeakBaselineSearch"/> has only DDIM, which they do.
/// </summary>
public sealed class ExportExpectedTests(TinySearch search, ExportExpectedTests.WeakBaselineSearch weak)
    : IClassFixture<TinySearch>, IClassFixture<ExportExpectedTests.WeakBaselineSearch>
{
    private const string Warning = "no better than the best classic solver";

    [Theory]
    [InlineData("k-diffusion")]
    [InlineData("diffusers")]
    public void An_approximation_no_better_than_the_best_baseline_says_so_in_its_expected_block_and_warns(string format)
    {
        using var dir = new TempDirectory();
        var result = CliRun.Run("export", TinySearch.Name, "--db", search.DatabasePath, "--nfe", "4", "--format", format, "--out", dir.File("out.json"));

        Assert.True(result.ExitCode == 0, result.ToString());
        var doc = ReadSingle(dir.File("out.json"));
        var expected = doc.GetProperty("expected");
        var (exact, baseline) = HeldOut(search.DatabasePath, TinySearch.Name, 4);
        Assert.Equal("teacher-rmse", expected.GetProperty("metric").GetString());
        Assert.Equal(128, expected.GetProperty("heldout_samples").GetInt32());
        Assert.Equal(exact, expected.GetProperty("exact_schedule").GetDouble(), 12);
        Assert.Equal(baseline.Name, expected.GetProperty("best_baseline").GetProperty("name").GetString());
        Assert.Equal(baseline.Value, expected.GetProperty("best_baseline").GetProperty("value").GetDouble(), 12);
        var score = expected.GetProperty("this_export").GetDouble();
        Assert.True(score >= baseline.Value, $"the fixture's {format} approximation scores {score}, better than {baseline.Value}");
        Assert.True(expected.GetProperty("no_better_than_best_baseline").GetBoolean());
        Assert.StartsWith($"{format} ", expected.GetProperty("run").GetString(), StringComparison.Ordinal);
        Assert.Contains(result.ErrorLines, l => l.StartsWith($"warning: {format} export of 'tiny toy nfe 4 #1' run as its target runs it: ", StringComparison.Ordinal)
            && l.Contains(Warning, StringComparison.Ordinal) && l.Contains(score.ToString("0.0000", CultureInfo.InvariantCulture), StringComparison.Ordinal));
    }

    [Fact]
    public void An_approximation_better_than_the_best_baseline_is_logged_without_a_warning()
    {
        using var dir = new TempDirectory();
        var result = CliRun.Run("export", WeakBaselineSearch.Name, "--db", weak.DatabasePath, "--nfe", "4", "--format", "k-diffusion", "--out", dir.File("out.json"));

        Assert.True(result.ExitCode == 0, result.ToString());
        var expected = ReadSingle(dir.File("out.json")).GetProperty("expected");
        Assert.True(expected.GetProperty("this_export").GetDouble() < expected.GetProperty("best_baseline").GetProperty("value").GetDouble());
        Assert.False(expected.GetProperty("no_better_than_best_baseline").GetBoolean());
        Assert.DoesNotContain(Warning, result.Stderr, StringComparison.Ordinal);
        Assert.Contains("k-diffusion export of 'weak baseline nfe 4 #1' run as its target runs it: ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void An_export_printed_to_stdout_is_the_export_alone_with_its_scores_on_stderr()
    {
        var result = CliRun.Run("export", WeakBaselineSearch.Name, "--db", weak.DatabasePath, "--nfe", "4", "--format", "diffusers");

        Assert.True(result.ExitCode == 0, result.ToString());
        var doc = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.True(doc.GetProperty("expected").GetProperty("this_export").GetDouble() > 0);
        Assert.Contains("diffusers export of 'weak baseline nfe 4 #1' run as its target runs it: ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void ComfyUi_is_scored_as_its_segments_run_and_the_json_export_has_no_expected_block()
    {
        using var dir = new TempDirectory();
        var result = CliRun.Run("export", TinySearch.Name, "--db", search.DatabasePath, "--nfe", "4", "--format", "all", "--out", dir.Path);

        Assert.True(result.ExitCode == 0, result.ToString());
        var comfy = ReadSingle(dir.File("tiny-toy-nfe4.comfyui.json")).GetProperty("expected");
        var score = comfy.GetProperty("this_export").GetDouble();
        var baseline = comfy.GetProperty("best_baseline").GetProperty("value").GetDouble();
        Assert.True(score > 0 && double.IsFinite(score), $"the ComfyUI export scores {score}");
        Assert.False(comfy.TryGetProperty("not_scored", out _));
        Assert.StartsWith("ComfyUI: one SamplerCustom per SplitSigmas segment", comfy.GetProperty("run").GetString(), StringComparison.Ordinal);
        Assert.Equal(!(score < baseline), comfy.GetProperty("no_better_than_best_baseline").GetBoolean());
        var line = Assert.Single(result.ErrorLines, l => l.Contains("comfyui export of 'tiny toy nfe 4 #1' run as its target runs it: ", StringComparison.Ordinal));
        Assert.Equal(!(score < baseline), line.StartsWith("warning: ", StringComparison.Ordinal) && line.Contains(Warning, StringComparison.Ordinal));
        Assert.False(ReadSingle(dir.File("tiny-toy-nfe4.schedule.json")).TryGetProperty("expected", out _));
    }

    [Fact]
    public void No_target_scores_leaves_the_expected_block_and_the_warning_out()
    {
        using var dir = new TempDirectory();
        var result = CliRun.Run("export", TinySearch.Name, "--db", search.DatabasePath, "--nfe", "4", "--format", "k-diffusion", "--out", dir.File("out.json"), "--no-target-scores");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.False(ReadSingle(dir.File("out.json")).TryGetProperty("expected", out _));
        Assert.DoesNotContain("run as its target runs it", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void The_json_export_of_a_schedule_with_an_analytical_first_step_from_the_data_mean_writes_the_statistics_beside_it_and_names_them()
    {
        using var dir = new TempDirectory();
        var result = CliRun.Run("export", WeakBaselineSearch.Name, "--db", weak.DatabasePath, "--nfe", "4", "--out", dir.File("best.json"));

        Assert.True(result.ExitCode == 0, result.ToString());
        var doc = ReadSingle(dir.File("best.json"));
        Assert.Equal("mean-x0", doc.GetProperty("options").GetProperty("afs").GetString());
        Assert.Equal("best.stats.npz", doc.GetProperty("statistics").GetString());
        var card = Path.Combine(CliProcess.RepositoryRoot, "models", "gmm-toy-8", "stats.npz");
        Assert.Equal(StatisticsFile.Read(card, 8).Mean, StatisticsFile.Read(dir.File("best.stats.npz"), 8).Mean);
        Assert.Contains($"wrote {dir.File("best.stats.npz")} (the data statistics the schedule needs)", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void The_json_export_of_a_schedule_that_reads_no_statistics_writes_none()
    {
        using var dir = new TempDirectory();
        var result = CliRun.Run("export", WeakBaselineSearch.Name, "--db", weak.DatabasePath, "--nfe", "6", "--out", dir.File("best.json"));

        Assert.True(result.ExitCode == 0, result.ToString());
        var doc = ReadSingle(dir.File("best.json"));
        Assert.Equal("none", doc.GetProperty("options").GetProperty("afs").GetString());
        Assert.False(doc.TryGetProperty("statistics", out _));
        Assert.False(File.Exists(dir.File("best.stats.npz")));
    }

    private static JsonElement ReadSingle(string path)
    {
        var root = JsonDocument.Parse(File.ReadAllText(path)).RootElement;
        return (root.ValueKind == JsonValueKind.Array ? root.EnumerateArray().Single() : root).Clone();
    }

    /// <summary>The best schedule's and the best baseline's held-out scores at one NFE, as show prints them.</summary>
    private static (double Exact, (string Name, double Value) Baseline) HeldOut(string database, string name, int nfe)
    {
        var show = CliRun.Run("show", name, "--db", database, "--json");
        Assert.True(show.ExitCode == 0, show.ToString());
        var at = JsonDocument.Parse(show.Stdout).RootElement.GetProperty("per_nfe").EnumerateArray().Single(p => p.GetProperty("nfe").GetInt32() == nfe);
        var best = at.GetProperty("best");
        var baseline = at.GetProperty("best_baseline");
        return (best.GetProperty("heldout").GetDouble(), (baseline.GetProperty("name").GetString()!, baseline.GetProperty("heldout").GetDouble()));
    }

    /// <summary>
    /// A tiny search whose only baseline is DDIM and whose space allows the analytical first step from the data mean
    /// (its NFE-4 winner takes it, its NFE-6 winner does not), run once for the class.
    /// </summary>
    public sealed class WeakBaselineSearch : IDisposable
    {
        public const string Name = "weak baseline";

        private readonly TempDirectory folder = new();

        public WeakBaselineSearch()
        {
            var spec = TinySearch.Spec(Name, 120).Replace("\"baselines\": [\"ddim\", \"dpm-solver++-2m\", \"unipc-bh2-3\"]", "\"baselines\": [\"ddim\"], \"space\": { \"afs\": [\"mean-x0\"] }", StringComparison.Ordinal);
            var result = CliRun.Run("run", folder.Write("weak.search.json", spec), "--db", DatabasePath);
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException("the fixture search failed: " + result);
            }
        }

        public string DatabasePath => folder.File("weak.db");

        public void Dispose() => folder.Dispose();
    }
}
