using System.Globalization;
using ScheduleSearch.Cli.Infrastructure;
using ScheduleSearch.Evaluation.Cost;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Cli.Reports;

/// <summary>
/// <c>show</c>'s part for a search with measured model times (issue 9): the stored times, under a time budget the best
/// within it per NFE, and the front of model time per sample against score over the whole history. Nothing for a
/// search without stored times.
/// </summary>
public static class CostReport
{
    /// <summary>Writes the report of <paramref name="summary"/>, reading the times from <paramref name="store"/>.</summary>
    public static void Write(CliOutput console, SearchSummary summary, IScoreStore store)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(summary);
        if (ModelCallTimesStore.Get(store, summary.Search.Name) is not { } times)
        {
            return;
        }

        double? Cost(ScoredEntry e)
        {
            try
            {
                return times.CostOf(e.Schedule);
            }
            catch (ArgumentException)
            {
                return null;
            }
        }

        var timed = summary.PerNfe.SelectMany(n => n.History)
            .Where(e => double.IsFinite(e.Record.Score) && Cost(e) is not null)
            .Select(e => (Entry: e, Ms: Cost(e)!.Value)).ToList();
        console.Out.WriteLine($"model time per sample: {times}");
        if (summary.Spec?.Objective is { IsTimeBudget: true, TimePerSampleMs: { } budget })
        {
            var rows = summary.PerNfe.Select(n => timed.Where(t => t.Entry.Record.Nfe == n.Nfe && t.Ms <= budget).OrderBy(t => t.Entry.Record.Score).FirstOrDefault())
                .Where(t => t.Entry is not null).Select(t => Row(t.Entry, t.Ms)).ToList();
            TableWriter.Write(console, $"best within the time budget of {Numbers.Time(budget)} ms per sample", Headers, rows);
        }

        var front = new List<string[]>();
        var bestScore = double.PositiveInfinity;
        foreach (var (entry, ms) in timed.OrderBy(t => t.Ms).ThenBy(t => t.Entry.Record.Score))
        {
            if (entry.Record.Score < bestScore)
            {
                bestScore = entry.Record.Score;
                front.Add(Row(entry, ms));
            }
        }

        TableWriter.Write(console, "time vs score front", Headers, front);
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
