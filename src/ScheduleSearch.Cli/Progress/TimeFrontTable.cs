using System.Globalization;
using ScheduleSearch.Cli.Infrastructure;
using ScheduleSearch.Evaluation.Cost;
using ScheduleSearch.Search.Running;

namespace ScheduleSearch.Cli.Progress;

/// <summary>The time-vs-score front of a cost-aware search (nothing when the search measured no model times).</summary>
public static class TimeFrontTable
{
    /// <summary>Writes the measured times and the front of <paramref name="result"/>.</summary>
    public static void Write(CliOutput output, SearchResult result)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(result);
        if (result.CallTimes is not { } times)
        {
            return;
        }

        var rows = result.TimeFront.Select(t => new[]
        {
            Numbers.Time(t.MillisecondsPerSample),
            Numbers.Score(t.Scored.Score),
            t.Scored.Nfe.ToString(CultureInfo.InvariantCulture),
            ModelCalls.Describe(t.Scored.Schedule),
            t.Scored.Schedule.Name,
        }).ToList();
        TableWriter.Write(output, $"{result.SearchName}: time vs score front (model time per sample: {times})",
            ["ms/sample", "score", "NFE", "calls", "schedule"], rows);
    }
}
