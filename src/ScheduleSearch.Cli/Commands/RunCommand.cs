using System.CommandLine;
using System.Globalization;
using ScheduleSearch.Cli.Infrastructure;
using ScheduleSearch.Cli.Progress;
using ScheduleSearch.Search.Running;
using ScheduleSearch.Search.Specs;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Cli.Commands;

/// <summary>
/// <c>run SPEC [--db PATH] [--device cpu|cuda:N|auto | --devices LIST] [--prefix-cache MIB] [--lockstep N] [--max-batch ROWS]</c>: starts the search in the spec, or resumes it where the
/// database already has it. Ctrl+C stops after the evaluation in flight, checkpoints and prints how to resume.
/// </summary>
public static class RunCommand
{
    /// <summary>Builds the command; what it opens comes from <paramref name="services"/>.</summary>
    public static Command Create(CliServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var specPath = new Argument<string>("SPEC") { Description = "The search spec (searches/*.search.json, format schedule-search/search@1)" };
        var database = CommonOptions.Database();
        var device = CommonOptions.Device();
        var devices = CommonOptions.Devices();
        var storage = StorageOption.Create();
        var grace = GraceOption.Create();
        var tuning = new TuningOptions();
        var backupEvery = new Option<double>("--backup-every")
        {
            Description = "Copy the database beside itself (DB.backup, checkpointed first) every HOURS of writing; 0 never (a LiteDB database only)",
            DefaultValueFactory = _ => 4,
            HelpName = "HOURS",
        };
        var command = new Command("run", "Start the search in SPEC, or resume it where the database already has it") { specPath, database, device, devices, storage, grace, backupEvery };
        foreach (var option in tuning.All)
        {
            command.Options.Add(option);
        }

        CommandActions.Set(command, (parse, console, cancellationToken) =>
        {
            var path = parse.GetValue(specPath)!;
            if (!File.Exists(path))
            {
                throw new BadInputException($"SPEC: search spec '{path}' does not exist");
            }

            // Everything about the input is checked before the database is opened, so bad input never touches it.
            var spec = SearchSpec.Load(path);
            var devicesText = parse.GetValue(devices);
            var lanes = devicesText?.Split(',', StringSplitOptions.TrimEntries) ?? [parse.GetValue(device)!];
            var settings = tuning.Settings(parse, spec);
            var backupHours = parse.GetValue(backupEvery);
            if (!(backupHours >= 0) || double.IsInfinity(backupHours))
            {
                throw new BadInputException(string.Create(CultureInfo.InvariantCulture, $"--backup-every: {backupHours} is not a number of hours (0 or more; 0 never backs up)"));
            }

            if (devicesText is not null && parse.GetResult(device) is { Implicit: false })
            {
                throw new BadInputException("--device and --devices: give one or the other (--devices cuda:0,cuda:1 runs one evaluation lane per device)");
            }

            if (parse.GetValue(storage) is { } storageText && StorageOption.Shared(storageText) is { } shared)
            {
                if (lanes.Length > 1)
                {
                    throw new BadInputException("--devices: lanes share one local database; on a shared store start one `schedule-search worker` per device instead");
                }

                return SharedSearchRunner.Run(services, spec, path, shared, lanes[0], GraceOption.ToOptions(parse.GetValue(grace)), settings, console, cancellationToken);
            }

            var dbPath = parse.GetValue(storage) is { } liteDb ? StorageOption.LiteDbPath(liteDb) : parse.GetValue(database) ?? DatabaseLocator.ForSearch(spec.Name);
            var storeOptions = new ScoreStoreOptions { BackupInterval = backupHours > 0 ? TimeSpan.FromHours(backupHours) : null };
            return RunLocal(services, spec, path, dbPath, parse.GetValue(database), lanes, settings, storeOptions, console, cancellationToken);
        });
        return command;
    }

    /// <summary>
    /// Runs (or resumes) <paramref name="spec"/> on the LiteDB file <paramref name="dbPath"/> with one evaluation lane per
    /// device of <paramref name="lanes"/> (the session from <paramref name="services"/>), prints the result table and what to type next; the exit code.
    /// </summary>
    internal static int RunLocal(CliServices services, SearchSpec spec, string path, string dbPath, string? databaseOption, string[] lanes, SessionSettings settings, ScoreStoreOptions storeOptions, CliOutput console, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        using var session = services.OpenSession(spec.ModelPath, lanes[0], spec.Metric, dbPath, console, settings, storeOptions);
        var evaluator = session.Lanes(lanes);
        var where = lanes.Length > 1 ? $"{lanes.Length} lanes: {string.Join(", ", lanes)}" : $"device {session.Model.Primary.Device}";
        var resumed = session.Store.CountSearchEvaluations(spec.Name);
        console.Log(resumed > 0
            ? string.Create(CultureInfo.InvariantCulture, $"resuming '{spec.Name}' at {resumed} of {spec.Budget.Evaluations} evaluations ({dbPath}, {where})")
            : string.Create(CultureInfo.InvariantCulture, $"starting '{spec.Name}': NFE {string.Join(", ", spec.Nfe)}, budget {spec.Budget.Evaluations} evaluations ({dbPath}, {where})"));
        var run = new SearchRun(SpecOnModel.ForModel(spec, session.Model.Card.Name, [.. session.Model.Variants.Keys], session.Model.Statistics, session.Model.Ems, session.Model.Card.Schedule.OwnSpacing), evaluator, session.Store, session.Noise, new SearchRunOptions { Model = session.Model.Primary, Ems = session.Model.Ems, Identity = session.Evaluator.Identity, MeasureCallTimes = CallTimesMeasurer.For(session.Model, spec) });
        var result = SearchProgressDisplay.Run(run, spec, console, cancellationToken);
        ResultTable.Write(console, result, session.Evaluator.Metric);
        if (result.Status == SearchStatus.Interrupted)
        {
            console.Log(string.Create(CultureInfo.InvariantCulture, $"interrupted after {result.Evaluations} evaluations; checkpointed in {dbPath}"));
            console.Out.WriteLine($"resume with: schedule-search run {ShellQuote.Quote(path)}{(databaseOption is { } db ? " --db " + ShellQuote.Quote(db) : string.Empty)}");
            return ExitCodes.Interrupted;
        }

        console.Log(string.Create(CultureInfo.InvariantCulture, $"finished '{spec.Name}' ({result.StopReason}) after {result.Evaluations} evaluations"));
        var dbOption = databaseOption is { } d ? " --db " + ShellQuote.Quote(d) : string.Empty;
        console.Out.WriteLine($"next: schedule-search show {ShellQuote.Quote(spec.Name)}{dbOption}");
        console.Out.WriteLine($"      schedule-search report {ShellQuote.Quote(spec.Name)}{dbOption}   (one HTML page to open in a browser)");
        return ExitCodes.Success;
    }
}
