using System.Globalization;
using System.Text.Json;
using ScheduleSearch.Cli.Tests.Support;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Cli.Tests.InProcess;

/// <summary>
/// <c>show</c> on a time-budget search over two networks (issue 9): gmm-toy-8 with a variant "copy" that is the same
/// graph, so both get measured times and the search may mix them.
/// </summary>
public sealed class CostShowTests
{
    [Fact]
    public void Show_json_reports_the_measured_times_the_budget_the_best_within_it_and_a_front_that_only_improves()
    {
        using var dir = new TempDirectory();
        RunTimedSearch(dir, "1000000");

        var shown = CliRun.Run("show", "timed toy", "--db", dir.File("timed.db"), "--json");
        Assert.True(shown.ExitCode == 0, shown.ToString());
        var cost = JsonDocument.Parse(shown.Stdout).RootElement.GetProperty("cost");
        var perCall = cost.GetProperty("ms_per_sample_per_call");
        Assert.True(perCall.GetProperty("primary").GetDouble() > 0);
        Assert.True(perCall.GetProperty("copy").GetDouble() > 0);
        Assert.Equal(1000000.0, cost.GetProperty("time_per_sample_ms").GetDouble());
        var within = cost.GetProperty("within_budget").EnumerateArray().ToArray();
        Assert.Equal([4, 6], within.Select(e => e.GetProperty("nfe").GetInt32()));
        var front = cost.GetProperty("front").EnumerateArray().Select(e => (Ms: e.GetProperty("ms_per_sample").GetDouble(), Score: e.GetProperty("score").GetDouble())).ToArray();
        Assert.NotEmpty(front);
        for (var i = 1; i < front.Length; i++)
        {
            Assert.True(front[i].Ms >= front[i - 1].Ms && front[i].Score < front[i - 1].Score, string.Create(CultureInfo.InvariantCulture, $"front point {i}: {front[i]} after {front[i - 1]}"));
        }

        // The table view shows the same parts.
        var table = CliRun.Run("show", "timed toy", "--db", dir.File("timed.db"));
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("model time per sample:", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("time vs score front", table.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Under_a_budget_nothing_fits_show_has_no_best_and_export_refuses_while_the_front_keeps_everything()
    {
        using var dir = new TempDirectory();
        RunTimedSearch(dir, "0.000001");

        var shown = CliRun.Run("show", "timed toy", "--db", dir.File("timed.db"), "--json");
        Assert.True(shown.ExitCode == 0, shown.ToString());
        var doc = JsonDocument.Parse(shown.Stdout).RootElement;
        Assert.All(doc.GetProperty("per_nfe").EnumerateArray(), nfe => Assert.Equal(JsonValueKind.Null, nfe.GetProperty("best").ValueKind));
        Assert.Empty(doc.GetProperty("cost").GetProperty("within_budget").EnumerateArray());
        Assert.NotEmpty(doc.GetProperty("cost").GetProperty("front").EnumerateArray());

        var export = CliRun.Run("export", "timed toy", "--db", dir.File("timed.db"), "--nfe", "4");
        Assert.Equal(2, export.ExitCode);
        Assert.Contains("has no schedule at NFE 4 within its time budget of 0.000001 ms per sample", export.Stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// Runs a 40-evaluation time-budget search named "timed toy" with <paramref name="budgetMs"/> ms per sample into
    /// timed.db in <paramref name="dir"/>.
    /// </summary>
    private static void RunTimedSearch(TempDirectory dir, string budgetMs)
    {
        var toy = Path.GetDirectoryName(CliProcess.ToyCard)!;
        foreach (var file in new[] { "model.onnx", "stats.npz" })
        {
            File.Copy(Path.Combine(toy, file), dir.File(file));
        }

        var card = File.ReadAllText(CliProcess.ToyCard).Replace("\"onnx\": \"model.onnx\",", "\"onnx\": \"model.onnx\", \"variants\": [{ \"name\": \"copy\", \"onnx\": \"model.onnx\" }],", StringComparison.Ordinal);
        var cardPath = dir.Write("model.json", card);
        var spec = TinySearch.Spec("timed toy", 40, """, "objective": { "kind": "time-budget", "time_per_sample_ms": """ + budgetMs + """ }, "space": { "models": ["copy"] }""")
            .Replace(CliProcess.ToyCard.Replace("\\", "\\\\", StringComparison.Ordinal), cardPath.Replace("\\", "\\\\", StringComparison.Ordinal), StringComparison.Ordinal);
        var run = CliRun.Run("run", dir.Write("timed.search.json", spec), "--db", dir.File("timed.db"));
        Assert.True(run.ExitCode == 0, run.ToString());
    }
}
