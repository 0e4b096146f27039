using System.CommandLine;
using System.Globalization;
using ScheduleSearch.Cli.Infrastructure;
using ScheduleSearch.Cli.Reports;
using ScheduleSearch.Search.Results;

namespace ScheduleSearch.Cli.Commands;

/// <summary>
/// <c>show SEARCH [--db PATH | --storage litedb:PATH|postgresql://...] [--json] [--top K]</c>: a search's history: status, evaluations, cache hits, diverged,
/// per NFE the best found vs the best baseline (held-out first) and the top schedules in compact form.
/// </summary>
public static class ShowCommand
{
    /// <summary>Builds the command; what it opens comes from <paramref name="services"/>.</summary>
    public static Command Create(CliServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var search = new Argument<string>("SEARCH") { Description = "The search's name (its spec's \"name\")" };
        var database = CommonOptions.Database();
        var storage = StorageOption.Create();
        var json = CommonOptions.Json();
        var top = new Option<int>("--top") { Description = "Schedules listed per NFE", DefaultValueFactory = _ => 3, HelpName = "K" };
        var command = new Command("show", "Show a search: status, counts, best per NFE vs the best baseline (held-out scores are the headline)") { search, database, storage, json, top };
        CommandActions.Set(command, (parse, console, cancellationToken) =>
        {
            var k = parse.GetValue(top);
            if (k < 1)
            {
                throw new BadInputException($"--top: must be at least 1, not {k}");
            }

            var (store, record, path) = services.OpenSearch(parse.GetValue(search)!, parse.GetValue(database), parse.GetValue(storage));
            using (store)
            {
                var summary = SearchResults.Load(store, record, path, k, cancellationToken);
                var cost = CostSummary.Of(summary);
                if (parse.GetValue(json))
                {
                    console.Out.WriteLine(SummaryJson.Write(summary, cost));
                    return ExitCodes.Success;
                }

                Write(console, summary);
                CostReport.Write(console, cost);
                return ExitCodes.Success;
            }
        });
        return command;
    }

    /// <summary>A held-out score with its standard error where one was stored, e.g. "0.03348 ± 0.0011".</summary>
    private static string WithError(ScoredEntry? entry) =>
        entry?.HeldOutStandardError is { } se ? Numbers.Score(entry.HeldOut) + " ± " + Numbers.Score(se) : Numbers.Score(entry?.HeldOut);

    private static void Write(CliOutput console, SearchResults summary)
    {
        var s = summary.Search;
        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"search {s.Name}: {SummaryJson.Status(s.Status)}, {s.Evaluations}{(summary.Spec is { } spec ? "/" + spec.Budget.Evaluations.ToString(CultureInfo.InvariantCulture) : string.Empty)} evaluations, {s.CacheHits} cache hits, {s.Diverged} diverged"));
        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"metric {summary.Metric} (lower is better); wall time {(s.Updated - s.Created):d\\.hh\\:mm\\:ss}, compute {summary.ComputeTime:d\\.hh\\:mm\\:ss}; database {summary.DatabasePath}"));
        var rows = summary.PerNfe.Select(n => new[]
        {
            n.Nfe.ToString(CultureInfo.InvariantCulture),
            WithError(n.Best),
            WithError(n.BestBaseline),
            Numbers.Reduction(n.Best?.HeldOut, n.BestBaseline?.HeldOut),
            Numbers.Score(n.Best?.Record.Score),
            Numbers.Score(n.BestBaseline?.Record.Score),
            Numbers.Reduction(n.Best?.Record.Score, n.BestBaseline?.Record.Score),
            n.BestBaseline?.Schedule.Name ?? "-",
        }).ToList();
        TableWriter.Write(console, "best found vs best baseline per NFE",
            ["NFE", "found (held-out)", "baseline (held-out)", "change", "found (scoring)", "baseline (scoring)", "change", "best baseline"], rows);
        if (summary.PerNfe.Any(n => n.Best?.HeldOutStandardError is not null || n.BestBaseline?.HeldOutStandardError is not null))
        {
            console.Out.WriteLine(summary.Metric == "teacher-rmse"
                ? "± is the standard error of a held-out score from its per-sample squared errors (delta method; a few samples in another mode make it rough)"
                : "± is the standard error of a held-out score: the standard deviation of its per-sample RMSEs over sqrt(samples)");
        }
        if (summary.Spec?.Racing is { } racing)
        {
            var validated = string.Join(", ", summary.PerNfe.Select(n =>
                string.Create(CultureInfo.InvariantCulture, $"NFE {n.Nfe} {(n.Best?.Validation is { } v ? Numbers.Score(v) : "not validated (unfinished)")}")));
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"racing: a new best on the scoring set replaced the found schedule only after also winning on {racing.Seeds.Length} racing set(s); the found schedule was chosen among those and the best baseline on the validation set (seed {racing.ValidationSeed}, {racing.ValidationSamples} samples): {validated}"));
        }

        foreach (var n in summary.PerNfe)
        {
            var top = n.Top.Select((e, i) => new[]
            {
                (i + 1).ToString(CultureInfo.InvariantCulture),
                Numbers.Score(e.Record.Score),
                Numbers.Score(e.HeldOut),
                e.IsBaseline ? e.Schedule.Name : "found (gen " + e.Record.Generation.ToString(CultureInfo.InvariantCulture) + ")",
                StepCodes.Timesteps(e.Schedule),
                StepCodes.Of(e.Schedule),
            }).ToList();
            TableWriter.Write(console, string.Create(CultureInfo.InvariantCulture, $"NFE {n.Nfe}: top {top.Count} of {n.History.Count}"),
                ["#", "score", "held-out", "origin", "timesteps", "steps"], top);
        }
    }
}
