using System.CommandLine;
using System.Globalization;
using ScheduleSearch.Cli.Infrastructure;
using ScheduleSearch.Search.Results;
using ScheduleSearch.Storage;
using ScheduleSearch.Storage.LiteDb;

namespace ScheduleSearch.Cli.Commands;

/// <summary>
/// <c>db copy --from LOCATION --to LOCATION [--search NAME]</c>: moves searches between a LiteDB file and a
/// PostgreSQL store, either way, with the searches' held-out scores (<see cref="SearchCopy"/>). The source is opened read-only.
/// <c>db check DB [--salvage OUT]</c>: the full integrity check of a LiteDB file (<see cref="LiteDbIntegrity"/>),
/// read-only, with a summary; <c>--salvage</c> copies everything still readable into a new file (<see cref="LiteDbSalvage"/>).
/// </summary>
public static class DbCommand
{
    /// <summary>Builds the command with its <c>copy</c> and <c>check</c> subcommands; <c>copy</c> opens its stores through <paramref name="services"/>.</summary>
    public static Command Create(CliServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var from = StorageOption.Create("--from", required: true);
        var to = StorageOption.Create("--to", required: true);
        var search = new Option<string?>("--search") { Description = "Copy only this search (default: every search)", HelpName = "NAME" };
        var copy = new Command("copy", "Copy searches, their histories and models from one store to another (litedb:PATH or postgresql://...)") { from, to, search };
        CommandActions.Set(copy, (parse, console, cancellationToken) =>
        {
            var (source, target) = (parse.GetValue(from)!, parse.GetValue(to)!);
            using var reader = services.OpenStore(source, true);
            using var writer = services.OpenStore(target, false);
            CopyResult result;
            int heldOut;
            try
            {
                (result, heldOut) = SearchCopy.Copy(reader, writer, parse.GetValue(search), cancellationToken);
            }
            catch (KeyNotFoundException e)
            {
                throw new BadInputException("--search: " + e.Message.Replace("the source", source, StringComparison.Ordinal), e);
            }

            console.Log(string.Create(CultureInfo.InvariantCulture,
                $"copied {result.Searches} searches: {result.Evaluations} new evaluations, {result.HistoryEntries} history entries, {heldOut} held-out scores ({Printable(source)} -> {Printable(target)})"));
            return ExitCodes.Success;
        });
        return new Command("db", "Move scores between stores; check a database file and salvage a damaged one") { copy, Check() };
    }

    private static Command Check()
    {
        var database = new Argument<string>("DB") { Description = "The database file to check (db/NAME.db); only read" };
        var salvage = new Option<string?>("--salvage")
        {
            Description = "Copy every readable evaluation, search, reference and model into this new file (it must not exist)",
            HelpName = "OUT",
        };
        var check = new Command("check", "Check a database file completely (pages, documents, checksums, links, references); exit 2 when it is damaged") { database, salvage };
        CommandActions.Set(check, (parse, console, cancellationToken) =>
        {
            var path = parse.GetValue(database)!;
            if (!File.Exists(path))
            {
                throw new BadInputException($"DB: database '{path}' does not exist");
            }

            var target = parse.GetValue(salvage);
            if (target is not null && File.Exists(target))
            {
                throw new BadInputException($"--salvage: {target} exists; name a new file");
            }

            var report = LiteDbIntegrity.Check(path, cancellationToken);
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{path}: {(report.IsIntact ? "intact" : "DAMAGED")}: {report.Searches} searches, {report.Evaluations} evaluations, {report.HistoryLinks} history links, {report.References} references, {report.Models} models read"));
            foreach (var problem in report.Problems)
            {
                console.Out.WriteLine("  damaged: " + problem);
            }

            console.Out.WriteLine("  backup: " + (report.Backup ?? $"none ({LiteDbBackup.PathFor(path)} does not exist)"));
            if (target is not null)
            {
                var result = LiteDbSalvage.Salvage(path, target, cancellationToken);
                var salvaged = LiteDbIntegrity.Check(target, cancellationToken);
                console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"salvaged into {target}: {result.Searches} searches, {result.Evaluations} evaluations, {result.HistoryLinks} history links, {result.References} references, {result.Models} models; {result.Unreadable} unreadable documents and {result.DroppedLinks} history links to lost records left out; the new file is {(salvaged.IsIntact ? "intact" : "DAMAGED")}"));
                if (!report.IsIntact)
                {
                    console.Out.WriteLine($"next: check the salvaged searches with `schedule-search list --db {ShellQuote.Quote(target)}`, then move {ShellQuote.Quote(target)} over {ShellQuote.Quote(path)} (deleting {ShellQuote.Quote(LiteDbScoreStore.LogPathOf(path))} if present) to resume there");
                }

                return salvaged.IsIntact ? ExitCodes.Success : ExitCodes.BadInput;
            }

            if (!report.IsIntact)
            {
                console.Out.WriteLine("next: " + LiteDbBackup.Remedy(path));
            }

            return report.IsIntact ? ExitCodes.Success : ExitCodes.BadInput;
        });
        return check;
    }

    private static string Printable(string location) => StorageOption.Shared(location)?.ToString() ?? location;
}
