using System.CommandLine;
using System.Globalization;
using ScheduleSearch.Cli.Infrastructure;
using ScheduleSearch.Cli.Reports;
using ScheduleSearch.Core.Formatting;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Export;
using ScheduleSearch.Models.Cards;
using ScheduleSearch.Search.Results;

namespace ScheduleSearch.Cli.Commands;

/// <summary>
/// <c>export SEARCH --nfe N [--top K] [--format json|diffusers|k-diffusion|comfyui|all] [--out PATH] [--no-target-scores]</c>:
/// writes the best schedules at one NFE in a format other samplers load; the approximate formats carry the score their
/// target's run reaches (<see cref="ExportTargetScores"/>), with a warning when that is no better than a classic solver.
/// </summary>
public static class ExportCommand
{
    /// <summary>Builds the command; what it opens comes from <paramref name="services"/>.</summary>
    public static Command Create(CliServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var search = new Argument<string>("SEARCH") { Description = "The search's name" };
        var nfe = new Option<int>("--nfe") { Description = "The NFE whose winners to export", Required = true, HelpName = "N" };
        var top = new Option<int>("--top") { Description = "How many schedules, best first (one document each, in a JSON array when K > 1)", DefaultValueFactory = _ => 1, HelpName = "K" };
        var format = new Option<string>("--format")
        {
            Description = "json (schedule-search/schedule@1 with provenance), diffusers, k-diffusion, comfyui, or all (every format into the --out folder)",
            DefaultValueFactory = _ => "json",
        };
        format.AcceptOnlyFromAmong([.. ScheduleExporters.Names, "all"]);
        var output = new Option<string?>("--out") { Description = "The file to write, or a folder (existing, or ending in '/') for the default file names; default: print", HelpName = "PATH" };
        var noTargetScores = new Option<bool>("--no-target-scores")
        {
            Description = "Do not score the approximate formats (diffusers, k-diffusion) as their targets run them; by default the tool runs each on the search's held-out noise with the search's model and writes the score in the export's \"expected\"",
        };
        var database = CommonOptions.Database();
        var storage = StorageOption.Create();
        var device = CommonOptions.Device();
        var command = new Command("export", "Write a search's best schedules at one NFE for diffusers, k-diffusion, ComfyUI or the Python sampler")
        {
            search, nfe, top, format, output, noTargetScores, database, storage, device,
        };
        CommandActions.Set(command, (parse, console, cancellationToken) =>
        {
            var n = parse.GetValue(nfe);
            var k = parse.GetValue(top);
            if (k < 1)
            {
                throw new BadInputException($"--top: must be at least 1, not {k}");
            }

            var (store, record, path) = services.OpenSearch(parse.GetValue(search)!, parse.GetValue(database), parse.GetValue(storage));
            using (store)
            {
                var summary = SearchResults.Load(store, record, path, k, cancellationToken);
                var atNfe = summary.PerNfe.FirstOrDefault(p => p.Nfe == n)
                    ?? throw new BadInputException($"--nfe: search '{record.Name}' has no NFE {n}; it has {string.Join(", ", summary.PerNfe.Select(p => p.Nfe))}");
                if (atNfe.Top.Count == 0)
                {
                    throw new BadInputException(summary.Spec?.Objective is { IsTimeBudget: true, TimePerSampleMs: { } budget }
                        ? string.Create(CultureInfo.InvariantCulture, $"--nfe: search '{record.Name}' has no schedule at NFE {n} within its time budget of {PlainDecimal.Format(budget)} ms per sample")
                        : $"--nfe: search '{record.Name}' has no finite score at NFE {n} yet");
                }

                var winners = atNfe.Top.Select((e, i) => ToExported(e, i + 1, summary)).ToArray();
                var target = parse.GetValue(output);
                var formatName = parse.GetValue(format)!;
                if (!parse.GetValue(noTargetScores))
                {
                    var chosen = formatName == "all" ? ScheduleExporters.All : [ScheduleExporters.Get(formatName)];
                    winners = ExportTargetScores.Score(winners, summary, atNfe, store, chosen, parse.GetValue(device)!, services, console, cancellationToken);
                }

                if (formatName == "all")
                {
                    var folder = target ?? ".";
                    winners = WithSideFiles(winners, summary, Path.Combine(folder, ScheduleExporters.Json.GetFileName(record.Name, n)), console);
                    var written = new CompositeScheduleExporter(ScheduleExporters.All, console.Warn).ExportToFolder(winners, folder, record.Name, n);
                    foreach (var file in written)
                    {
                        console.Out.WriteLine($"wrote {file}");
                    }

                    return written.Count == ScheduleExporters.All.Count ? ExitCodes.Success : ExitCodes.Failure;
                }

                var exporter = ScheduleExporters.Get(formatName);
                if (target is null)
                {
                    if (exporter == ScheduleExporters.Json && ScheduleSideFiles.NotWritten(winners.Select(w => w.Schedule), "export it with --out FILE") is { } missing)
                    {
                        console.Warn(missing);
                    }

                    exporter.Export(winners, console.Out);
                    return ExitCodes.Success;
                }

                var file2 = Directory.Exists(target) || target.EndsWith('/') || target.EndsWith(Path.DirectorySeparatorChar)
                    ? Path.Combine(target, exporter.GetFileName(record.Name, n))
                    : target;
                if (exporter == ScheduleExporters.Json)
                {
                    winners = WithSideFiles(winners, summary, file2, console);
                }

                exporter.ExportToFile(winners, file2);
                console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {file2} ({winners.Length} schedule{(winners.Length == 1 ? string.Empty : "s")}, NFE {n}, {exporter.Name})"));
                return ExitCodes.Success;
            }
        });
        return command;
    }

    /// <summary>The export model of one ranked entry (a found schedule named after the search).</summary>
    internal static ExportedSchedule ToExported(ScoredEntry entry, int rank, SearchResults summary) => new()
    {
        // A found schedule keeps the name of the baseline it grew from; name it after the search instead.
        Schedule = entry.IsBaseline ? entry.Schedule : entry.Schedule with { Name = string.Create(CultureInfo.InvariantCulture, $"{summary.Search.Name} nfe {entry.Record.Nfe} #{rank}") },
        Noise = NoiseOf(summary, entry.Schedule.Time),
        Search = summary.Search.Name,
        Rank = rank,
        Metric = summary.Metric,
        Score = entry.Record.Score,
        Samples = entry.Record.Fidelity,
        HeldOutScore = entry.HeldOut,
        HeldOutSamples = entry.HeldOut is null ? null : summary.Spec?.Metric.HeldOutSamples,
        Key = entry.Record.ScheduleKey,
    };

    /// <summary>
    /// Writes beside the json export at <paramref name="jsonPath"/> the files its winners need for the Python package
    /// (<see cref="ScheduleSideFiles"/>), read from the search's model card, and names them in those winners.
    /// </summary>
    private static ExportedSchedule[] WithSideFiles(ExportedSchedule[] winners, SearchResults summary, string jsonPath, CliOutput console)
    {
        var schedules = winners.Select(w => w.Schedule).ToArray();
        if (!schedules.Any(ExportedSchedule.NeedsStatistics) && !schedules.Any(ExportedSchedule.NeedsEms))
        {
            return winners;
        }

        ModelCard? card = null;
        if (summary.Model is { } model)
        {
            try
            {
                card = ModelCardReader.Parse(model.CardJson, model.Path, Path.GetDirectoryName(model.Path));
            }
            catch (ModelCardException)
            {
                card = null;
            }
        }

        var (statisticsFile, emsFile) = ScheduleSideFiles.Write(schedules, card, jsonPath, console);
        return winners.Select(w => w with
        {
            StatisticsFile = statisticsFile is not null && ExportedSchedule.NeedsStatistics(w.Schedule) ? statisticsFile : w.StatisticsFile,
            EmsFile = emsFile is not null && ExportedSchedule.NeedsEms(w.Schedule) ? emsFile : w.EmsFile,
        }).ToArray();
    }

    /// <summary>The model's noise schedule from the card stored by run; the time kind's defaults otherwise.</summary>
    public static NoiseSchedule NoiseOf(SearchResults summary, string timeKind)
    {
        ArgumentNullException.ThrowIfNull(summary);
        if (summary.Model is { } model)
        {
            try
            {
                return ModelCardReader.Parse(model.CardJson, model.Path, Path.GetDirectoryName(model.Path)).Schedule.Create();
            }
            catch (ModelCardException)
            {
                // Fall back to the defaults below.
            }
        }

        return NoiseSchedule.FromKind(timeKind);
    }
}
