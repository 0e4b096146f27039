using System.CommandLine;
using ScheduleSearch.Cli.Infrastructure;
using ScheduleSearch.Cli.Plots;
using ScheduleSearch.Cli.Reports;
using ScheduleSearch.Search.Results;

namespace ScheduleSearch.Cli.Commands;

/// <summary><c>plot SEARCH --out DIR</c>: PNGs of the optimisation history, the NFE-vs-score front and the best schedules' timesteps.</summary>
public static class PlotCommand
{
    /// <summary>Builds the command; what it opens comes from <paramref name="services"/>.</summary>
    public static Command Create(CliServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var search = new Argument<string>("SEARCH") { Description = "The search's name" };
        var output = new Option<string>("--out") { Description = "The folder for history.png, front.png and timesteps-nfe<N>.png", Required = true, HelpName = "DIR" };
        var database = CommonOptions.Database();
        var storage = StorageOption.Create();
        var command = new Command("plot", "Write PNGs: optimisation history, NFE-vs-score front, timesteps of the best schedules vs the baselines (log-SNR)")
        {
            search, output, database, storage,
        };
        CommandActions.Set(command, (parse, console, cancellationToken) =>
        {
            var (store, record, path) = services.OpenSearch(parse.GetValue(search)!, parse.GetValue(database), parse.GetValue(storage));
            using (store)
            {
                var summary = SearchResults.Load(store, record, path, 1, cancellationToken);
                var time = summary.PerNfe.Select(n => n.Best?.Schedule.Time).FirstOrDefault(t => t is not null) ?? "vp-discrete";
                var files = SearchPlots.WriteAll(summary, ExportCommand.NoiseOf(summary, time), parse.GetValue(output)!);
                foreach (var file in files)
                {
                    console.Out.WriteLine($"wrote {file}");
                }

                return ExitCodes.Success;
            }
        });
        return command;
    }
}
