using System.Globalization;
using System.Text.Json;
using ScheduleSearch.Cli.Tests.Support;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Cli.Tests.InProcess;

/// <summary>
/// The read side after an fd search with a feature network and data-set statistics (the shape of
/// searches/fashion-fd.search.json): show, show --json, export and plot report the held-out scores run printed. They
/// used to lose them, re-deriving the keys with the samples themselves as features (ARCHITECTURE-REVIEW 1.6).
/// </summary>
public sealed class FdHeldOutTests
{
    private static readonly string Zoo = Path.Combine(CliProcess.RepositoryRoot, "models");

    [Fact]
    public void Show_export_and_plot_keep_the_held_out_scores_of_an_fd_search_with_features()
    {
        using var dir = new TempDirectory();
        var spec = dir.Write("fd.search.json", Spec());
        var run = CliRun.Run("run", spec, "--db", dir.File("fd.db"));
        Assert.True(run.ExitCode == 0, run.ToString());

        var shown = CliRun.Run("show", "fd check", "--db", dir.File("fd.db"), "--json");
        Assert.True(shown.ExitCode == 0, shown.ToString());
        var nfe = JsonDocument.Parse(shown.Stdout).RootElement.GetProperty("per_nfe")[0];
        var found = nfe.GetProperty("best").GetProperty("heldout").GetDouble();
        var baseline = nfe.GetProperty("best_baseline").GetProperty("heldout").GetDouble();
        Assert.True(double.IsFinite(found) && found > 0, shown.Stdout);
        // run's table prints both held-out scores; show reads the same evaluations back.
        var runRow = run.Stdout.Split('\n').Single(l => l.TrimStart().StartsWith("4 ", StringComparison.Ordinal));
        Assert.Contains(Score(found), runRow, StringComparison.Ordinal);
        Assert.Contains(Score(baseline), runRow, StringComparison.Ordinal);

        var table = CliRun.Run("show", "fd check", "--db", dir.File("fd.db"));
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains(Score(found), table.Stdout, StringComparison.Ordinal);

        var exported = CliRun.Run("export", "fd check", "--db", dir.File("fd.db"), "--nfe", "4", "--format", "json", "--out", dir.File("best.json"));
        Assert.True(exported.ExitCode == 0, exported.ToString());
        var schedule = ScheduleJson.Read(File.ReadAllText(dir.File("best.json")), "best.json");
        using var provenance = JsonDocument.Parse(schedule.ProvenanceJson!);
        Assert.Equal(found, provenance.RootElement.GetProperty("heldout").GetProperty("value").GetDouble());

        var plotted = CliRun.Run("plot", "fd check", "--db", dir.File("fd.db"), "--out", dir.File("plots"));
        Assert.True(plotted.ExitCode == 0, plotted.ToString());
        Assert.True(File.Exists(Path.Combine(dir.Path, "plots", "front.png")), plotted.ToString());
    }

    private static string Score(double value) => value.ToString("G4", CultureInfo.InvariantCulture);

    private static string Spec()
    {
        static string P(params string[] parts) => Path.Combine([Zoo, .. parts]).Replace("\\", "\\\\", StringComparison.Ordinal);
        return $$"""
            {
              "format": "schedule-search/search@1",
              "name": "fd check",
              "model": "{{P("gmm-fashion-784", "model.json")}}",
              "nfe": [4],
              "metric": { "kind": "fd", "samples": 32, "seed": 0, "heldout": { "samples": 32, "seed": 1 },
                          "features": { "onnx": "{{P("fashion-classifier", "features.onnx")}}",
                                        "mean": "{{P("fashion-classifier", "features_mean.npy")}}",
                                        "covariance": "{{P("fashion-classifier", "features_cov.npy")}}" } },
              "strategy": { "kind": "default", "population": 4, "seed": 0 },
              "budget": { "evaluations": 6 },
              "baselines": ["ddim", "dpm-solver++-2m"],
              "baseline_spacings": ["time-uniform"]
            }
            """;
    }
}
