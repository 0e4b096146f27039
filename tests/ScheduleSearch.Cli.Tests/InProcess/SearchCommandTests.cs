using System.Globalization;
using System.Text.Json;
using ScheduleSearch.Cli.Tests.Support;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Cli.Tests.InProcess;

/// <summary>run, list, show, export and plot on a small finished search, in this process.</summary>
public sealed class SearchCommandTests(TinySearch search) : IClassFixture<TinySearch>
{
    private static readonly CultureInfo German = CultureInfo.GetCultureInfo("de-DE");

    [Fact]
    public void Run_prints_a_result_table_and_what_to_do_next()
    {
        Assert.Contains("found (held-out)", search.RunResult.Stdout, StringComparison.Ordinal);
        Assert.Contains("next: schedule-search show 'tiny toy'", search.RunResult.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_again_on_a_finished_search_resumes_without_new_evaluations()
    {
        var before = Show();
        var again = CliRun.Run("run", search.SpecPath, "--db", search.DatabasePath);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("resuming 'tiny toy' at 120 of 120", again.Stdout, StringComparison.Ordinal);
        Assert.Equal(before.GetProperty("evaluations").GetInt32(), Show().GetProperty("evaluations").GetInt32());
    }

    [Fact]
    public void A_search_whose_budget_ends_in_its_baselines_says_under_its_table_that_it_found_nothing_better()
    {
        using var dir = new TempDirectory();
        var spec = dir.Write("short.search.json", TinySearch.Spec("short", 4));
        var run = CliRun.Run("run", spec, "--db", dir.File("short.db"));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("warning: NFE 4: nothing the search scored beat ", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("the classic solver is the best this space and budget reach", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("nothing the search scored beat", search.RunResult.Stderr, StringComparison.Ordinal);
    }

    /// <summary>Two lanes, no prefix sharing, or lockstep batches change how candidates are evaluated but never what is found.</summary>
    [Theory]
    [InlineData("--devices cpu,cpu", "2 lanes: cpu, cpu")]
    [InlineData("--prefix-cache 0", "starting 'tiny toy'")]
    [InlineData("--lockstep 16 --max-batch 4096", "starting 'tiny toy'")]
    public void Run_with_lanes_without_prefix_sharing_or_in_lockstep_finds_the_same_winners_with_the_same_scores(string options, string says)
    {
        using var dir = new TempDirectory();
        var spec = dir.Write("other.search.json", TinySearch.Spec(TinySearch.Name, 120));
        var other = CliRun.Run(["run", spec, "--db", dir.File("other.db"), .. options.Split(' ')]);
        Assert.True(other.ExitCode == 0, other.ToString());
        Assert.Contains(says, other.Stdout, StringComparison.Ordinal);
        Assert.Equal(Winners(Show()), Winners(ShowIn(dir.File("other.db"))));
    }

    [Fact]
    public void A_racing_search_shows_its_winners_validation_scores_and_how_they_were_chosen()
    {
        using var dir = new TempDirectory();
        var spec = dir.Write("racing.search.json", TinySearch.Spec(TinySearch.Name, 80, """, "racing": true"""));
        var run = CliRun.Run("run", spec, "--db", dir.File("racing.db"));
        Assert.True(run.ExitCode == 0, run.ToString());

        var text = CliRun.Run("show", TinySearch.Name, "--db", dir.File("racing.db"));
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("the validation set (seed 4, 128 samples): NFE 4 ", text.Stdout, StringComparison.Ordinal);
        foreach (var nfe in ShowIn(dir.File("racing.db")).GetProperty("per_nfe").EnumerateArray())
        {
            var best = nfe.GetProperty("best");
            Assert.True(best.GetProperty("validation").GetDouble() > 0);
            Assert.True(best.GetProperty("heldout").GetDouble() > 0);
            Assert.False(nfe.GetProperty("best_baseline").TryGetProperty("validation", out _));
        }
    }

    private static (string?, double, double)[] Winners(JsonElement shown) =>
        [.. shown.GetProperty("per_nfe").EnumerateArray().Select(nfe =>
            (nfe.GetProperty("best").GetProperty("key").GetString(), nfe.GetProperty("best").GetProperty("score").GetDouble(), nfe.GetProperty("best").GetProperty("heldout").GetDouble()))];

    private static JsonElement ShowIn(string database)
    {
        var shown = CliRun.Run("show", TinySearch.Name, "--db", database, "--json");
        Assert.True(shown.ExitCode == 0, shown.ToString());
        return JsonDocument.Parse(shown.Stdout).RootElement.Clone();
    }

    [Fact]
    public void Show_json_has_the_stable_keys_and_held_out_scores()
    {
        var doc = Show();
        Assert.Equal("tiny toy", doc.GetProperty("search").GetString());
        Assert.Equal("finished", doc.GetProperty("status").GetString());
        Assert.Equal(120, doc.GetProperty("evaluations").GetInt32());
        Assert.True(doc.GetProperty("cache_hits").GetInt32() >= 0);
        Assert.True(doc.GetProperty("diverged").GetInt32() >= 0);
        Assert.Equal("teacher-rmse", doc.GetProperty("metric").GetString());
        var perNfe = doc.GetProperty("per_nfe").EnumerateArray().ToArray();
        Assert.Equal([4, 6], perNfe.Select(p => p.GetProperty("nfe").GetInt32()));
        foreach (var nfe in perNfe)
        {
            var best = nfe.GetProperty("best");
            Assert.True(best.GetProperty("score").GetDouble() > 0);
            Assert.True(best.GetProperty("heldout").GetDouble() > 0);
            Assert.Equal(ScheduleJson.Format, best.GetProperty("schedule").GetProperty("format").GetString());
            var baseline = nfe.GetProperty("best_baseline");
            Assert.False(string.IsNullOrEmpty(baseline.GetProperty("name").GetString()));
            Assert.True(baseline.GetProperty("heldout").GetDouble() > 0);
            Assert.InRange(best.GetProperty("heldout_se").GetDouble(), 1e-12, best.GetProperty("heldout").GetDouble());
            Assert.InRange(baseline.GetProperty("heldout_se").GetDouble(), 1e-12, baseline.GetProperty("heldout").GetDouble());
            Assert.True(best.GetProperty("score").GetDouble() <= baseline.GetProperty("score").GetDouble());
        }
    }

    [Fact]
    public void Show_prints_best_per_nfe_against_the_best_baseline_and_the_top_schedules()
    {
        var result = CliRun.Run("show", TinySearch.Name, "--db", search.DatabasePath, "--top", "2");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("best found vs best baseline per NFE", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("NFE 4: top 2 of 60", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("finished, 120/120 evaluations", result.Stdout, StringComparison.Ordinal);
        Assert.Contains(" ± ", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("± is the standard error of a held-out score from its per-sample squared errors", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void List_json_lists_the_search_with_its_status()
    {
        var result = CliRun.Run("list", "--db", search.DatabasePath, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var entry = JsonDocument.Parse(result.Stdout).RootElement.EnumerateArray().Single();
        Assert.Equal("tiny toy", entry.GetProperty("search").GetString());
        Assert.Equal("finished", entry.GetProperty("status").GetString());
        Assert.Equal(120, entry.GetProperty("evaluations").GetInt32());
    }

    [Fact]
    public void Export_json_reads_back_as_the_best_schedule_with_provenance()
    {
        using var dir = new TempDirectory();
        var path = dir.File("best.json");
        var result = CliRun.Run("export", TinySearch.Name, "--db", search.DatabasePath, "--nfe", "4", "--out", path);
        Assert.True(result.ExitCode == 0, result.ToString());
        var schedule = ScheduleJson.Read(File.ReadAllText(path), path);
        Assert.Equal(4, schedule.Nfe);
        using var provenance = JsonDocument.Parse(schedule.ProvenanceJson!);
        Assert.Equal("tiny toy", provenance.RootElement.GetProperty("search").GetString());
        Assert.True(provenance.RootElement.GetProperty("heldout").GetProperty("value").GetDouble() > 0);
        Assert.Equal(Show().GetProperty("per_nfe")[0].GetProperty("best").GetProperty("key").GetString(), ScheduleKey.Compute(schedule));
    }

    [Fact]
    public void Export_writes_every_format_loadable_by_its_target_and_identical_under_a_german_culture()
    {
        using var dir = new TempDirectory();
        var result = CliRun.Run("export", TinySearch.Name, "--db", search.DatabasePath, "--nfe", "6", "--top", "2", "--format", "all", "--out", Path.Combine(dir.Path, "inv"));
        Assert.True(result.ExitCode == 0, result.ToString());
        var german = CliRun.Run(German, "export", TinySearch.Name, "--db", search.DatabasePath, "--nfe", "6", "--top", "2", "--format", "all", "--out", Path.Combine(dir.Path, "de"));
        Assert.True(german.ExitCode == 0, german.ToString());
        foreach (var format in new[] { "schedule", "diffusers", "k-diffusion", "comfyui" })
        {
            var name = $"tiny-toy-nfe6.{format}.json";
            var text = File.ReadAllText(Path.Combine(dir.Path, "inv", name));
            Assert.Equal(text, File.ReadAllText(Path.Combine(dir.Path, "de", name)));
            var docs = JsonDocument.Parse(text).RootElement.EnumerateArray().ToArray();
            Assert.Equal(2, docs.Length);
            foreach (var doc in docs)
            {
                if (format != "schedule")
                {
                    var sigmas = doc.GetProperty("sigmas").EnumerateArray().Select(s => s.GetDouble()).ToArray();
                    Assert.Equal(7, sigmas.Length);
                    Assert.Equal(0.0, sigmas[^1]);
                    Assert.True(sigmas.Zip(sigmas.Skip(1)).All(p => p.First > p.Second), "sigmas descend");
                }
            }

            switch (format)
            {
                case "diffusers":
                    var timesteps = docs[0].GetProperty("timesteps").EnumerateArray().Select(t => t.GetInt32()).ToArray();
                    Assert.Equal(6, timesteps.Length);
                    Assert.All(timesteps, t => Assert.InRange(t, 0, 999));
                    Assert.EndsWith("Scheduler", docs[0].GetProperty("scheduler").GetString(), StringComparison.Ordinal);
                    break;
                case "k-diffusion":
                    Assert.StartsWith("sample_", docs[0].GetProperty("sampler").GetString(), StringComparison.Ordinal);
                    break;
                case "comfyui":
                    var sigmaText = docs[0].GetProperty("sigmas_text").GetString()!;
                    Assert.DoesNotContain("e", sigmaText, StringComparison.OrdinalIgnoreCase);
                    Assert.True(docs[0].GetProperty("segments").GetArrayLength() >= 1);
                    break;
            }
        }
    }

    [Fact]
    public void Plot_writes_the_history_front_and_timestep_pngs()
    {
        using var dir = new TempDirectory();
        var result = CliRun.Run("plot", TinySearch.Name, "--db", search.DatabasePath, "--out", dir.Path);
        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var file in new[] { "history.png", "front.png", "timesteps-nfe4.png", "timesteps-nfe6.png" })
        {
            var bytes = File.ReadAllBytes(dir.File(file));
            Assert.True(bytes.Length > 10_000, $"{file} is only {bytes.Length} bytes");
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        }
    }

    private JsonElement Show() => ShowIn(search.DatabasePath);
}
