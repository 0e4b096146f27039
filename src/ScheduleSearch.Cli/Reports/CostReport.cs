using System.Globalization;
using ScheduleSearch.Cli.Infrastructure;
using ScheduleSearch.Evaluation.Cost;
using ScheduleSearch.Search.Results;

namespace ScheduleSearch.Cli.Reports;

/// <summary>
/// <c>show</c>'s tables for a search with measured model times (issue 9, <see cref="CostSummary"/>): the stored times,
/// under a time budget the best within it per NFE, and the time-vs-score front. Nothing for a search without times.
/// </summary>
public static class CostReport
{
    /// <summary>Writes <paramref name="cost"/> (nothing when null: a search without stored times).</summary>
    public static void Write(CliOutput console, CostSummary? cost)
    {
        ArgumentNullException.ThrowIfNull(console);
        if (cost is null)
        {
            return;
        }

        console.Out.WriteLine($"model time per sample: {cost.Times}");
        if (cost.Budget is { } budget)
        {
            TableWriter.Write(console, $"best within the time budget of {Numbers.Time(budget)} ms per sample", Headers, [.. cost.WithinBudget.Select(t => Row(t.Entry, t.Ms))]);
        }

        TableWriter.Write(console, "time vs score front", Headers, [.. cost.Front.Select(t => Row(t.Entry, t.Ms))]);
    }

    private static readonly string[] Headers = ["NFE", "ms/sample", "score", "calls", "origin"];

    private static string[] Row(ScoredEntry e, double ms) =>
    [
        e.Record.Nfe.ToString(CultureInfo.InvariantCulture),
        Numbers.Time(ms),
        Numbers.Score(e.Record.Score),
        ModelCalls.Describe(e.Schedule),
        e.IsBaseline ? e.Schedule.Name : "found (gen " + e.Record.Generation.ToString(CultureInfo.InvariantCulture) + ")",
    ];
}
