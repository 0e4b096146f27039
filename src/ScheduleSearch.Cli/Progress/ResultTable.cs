using System.Globalization;
using ScheduleSearch.Cli.Infrastructure;
using ScheduleSearch.Search.Running;

namespace ScheduleSearch.Cli.Progress;

/// <summary>The end-of-run summary: per NFE the best found vs the best baseline, held-out scores first.</summary>
public static class ResultTable
{
    /// <summary>Writes the summary of <paramref name="result"/>.</summary>
    public static void Write(CliOutput output, SearchResult result, string metric)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(result);
        var rows = result.PerNfe.Select(o => new[]
        {
            o.Nfe.ToString(CultureInfo.InvariantCulture),
            Numbers.Score(o.BestHeldOut),
            Numbers.Score(o.BaselineHeldOut),
            Numbers.Reduction(o.BestHeldOut, o.BaselineHeldOut),
            Numbers.Score(o.Best?.Score),
            Numbers.Score(o.BestBaseline?.Score),
            Numbers.Reduction(o.Best?.Score, o.BestBaseline?.Score),
            o.BaselineName ?? "-",
        }).ToList();
        TableWriter.Write(output, $"{result.SearchName}: {metric} (lower is better; held-out is the headline)",
            ["NFE", "found (held-out)", "baseline (held-out)", "change", "found (scoring)", "baseline (scoring)", "change", "best baseline"], rows);
        foreach (var shortfall in result.PerNfe.Select(o => o.Shortfall).OfType<string>())
        {
            output.Warn(shortfall);
        }

        TimeFrontTable.Write(output, result);
    }
}
