using System.CommandLine;
using System.Globalization;
using ScheduleSearch.Cli.Infrastructure;
using ScheduleSearch.Cli.Reports;
using ScheduleSearch.Cli.Reports.Html;
using ScheduleSearch.Search.Results;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Cli.Commands;

/// <summary>
/// <c>report SEARCH [--db PATH | --storage URL] [--out FILE.html] [--watch] [--samples N] [--device D]</c>: one
/// self-contained HTML page of a search (summary, history, front, timesteps, schedules, exports) to open in a browser or
/// send to a colleague who has no database; for an image model the schedules section shows sample grids (the model
/// runs again for them); <c>--watch</c> rewrites it while the search runs, and the page reloads itself.
/// </summary>
public static class ReportCommand
{
    /// <summary>Seconds between rewrites under <c>--watch</c> (the page reloads itself as often).</summary>
    public const int WatchSeconds = 10;

    /// <summary>Builds the command; what it opens comes from <paramref name="services"/>.</summary>
    public static Command Create(CliServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var search = new Argument<string>("SEARCH") { Description = "The search's name" };
        var output = new Option<string?>("--out") { Description = "The HTML file to write (default: <search>.report.html in the current folder)", HelpName = "FILE.html" };
        var watch = new Option<bool>("--watch") { Description = string.Create(CultureInfo.InvariantCulture, $"Rewrite the page every {WatchSeconds} s while the search runs (the page reloads itself); stops when the search ends or on Ctrl+C") };
        var samples = new Option<int>("--samples")
        {
            Description = "Image models: samples per grid of the teacher, the best found and the best baseline (first held-out noise draws); 0 draws none",
            DefaultValueFactory = _ => 16,
            HelpName = "N",
        };
        var database = CommonOptions.Database();
        var storage = StorageOption.Create();
        var device = CommonOptions.Device();
        var command = new Command("report", "Write one self-contained HTML page of a search: summary, history, front, timesteps, top schedules (and sample grids), exports")
        {
            search, output, watch, samples, database, storage, device,
        };
        CommandActions.Set(command, (parse, console, cancellationToken) =>
        {
            var name = parse.GetValue(search)!;
            var file = parse.GetValue(output) ?? Path.GetFileNameWithoutExtension(DatabaseLocator.ForSearch(name)) + ".report.html";
            if (Path.GetDirectoryName(Path.GetFullPath(file)) is { } folder && !Directory.Exists(folder))
            {
                throw new BadInputException($"--out: folder '{folder}' does not exist");
            }

            var count = parse.GetValue(samples);
            if (count is < 0 or > 64)
            {
                throw new BadInputException(string.Create(CultureInfo.InvariantCulture, $"--samples: {count} is not a number of samples per grid (0 to 64)"));
            }

            var drawing = new GridDrawing(count, parse.GetValue(device)!, console);
            using var closing = drawing;
            while (true)
            {
                var status = Write(services, name, file, parse.GetValue(database), parse.GetValue(storage), parse.GetValue(watch), drawing, cancellationToken);
                console.Out.WriteLine($"wrote {file} (search {SummaryJson.Status(status)})");
                if (!parse.GetValue(watch) || status != SearchStatus.Running)
                {
                    return ExitCodes.Success;
                }

                try
                {
                    Task.Delay(TimeSpan.FromSeconds(WatchSeconds), cancellationToken).Wait(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return ExitCodes.Success;
                }
            }
        });
        return command;
    }

    private static SearchStatus Write(CliServices services, string name, string file, string? database, string? storage, bool watch, GridDrawing drawing, CancellationToken cancellationToken)
    {
        var (store, record, path) = services.OpenSearch(name, database, storage);
        using (store)
        {
            var summary = SearchResults.Load(store, record, path, 10, cancellationToken);
            var time = summary.PerNfe.Select(n => n.Best?.Schedule.Time).FirstOrDefault(t => t is not null) ?? "vp-discrete";
            var noise = ExportCommand.NoiseOf(summary, time);
            var refresh = watch && record.Status == SearchStatus.Running ? WatchSeconds : (int?)null;
            var grids = drawing.For(summary);
            var html = HtmlReport.Write(summary, CostSummary.Of(summary), noise, (entry, rank) => ExportCommand.ToExported(entry, rank, summary), refresh,
                grids is null ? null : n => grids.For(n, cancellationToken));
            // Written beside and moved into place, so a browser reloading mid-write never sees half a page.
            var temporary = file + ".tmp";
            File.WriteAllText(temporary, html);
            File.Move(temporary, file, overwrite: true);
            return record.Status;
        }
    }

    /// <summary>Opens the sample grids once, on the first page that needs them, and closes them with the command.</summary>
    private sealed class GridDrawing(int count, string device, CliOutput console) : IDisposable
    {
        private SampleGrids? grids;
        private bool opened;

        public SampleGrids? For(SearchResults summary)
        {
            if (!opened)
            {
                opened = true;
                grids = SampleGrids.Open(summary, count, device, console);
            }

            return grids;
        }

        public void Dispose() => grids?.Dispose();
    }
}
