using System.CommandLine;
using System.Globalization;
using ScheduleSearch.Cli.Infrastructure;
using ScheduleSearch.Search.Results;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Cli.Commands;

/// <summary>
/// <c>db copy --from LOCATION --to LOCATION [--search NAME]</c>: moves searches between a LiteDB file and a
/// PostgreSQL store, either way, with the searches' held-out scores (<see cref="SearchCopy"/>). The source is opened read-only.
/// </summary>
public static class DbCommand
{
    /// <summary>Builds the command with its <c>copy</c> subcommand.</summary>
    public static Command Create()
    {
        var from = StorageOption.Create("--from", required: true);
        var to = StorageOption.Create("--to", required: true);
        var search = new Option<string?>("--search") { Description = "Copy only this search (default: every search)", HelpName = "NAME" };
        var copy = new Command("copy", "Copy searches, their histories and models from one store to another (litedb:PATH or postgresql://...)") { from, to, search };
        CommandActions.Set(copy, (parse, console, cancellationToken) =>
        {
            var (source, target) = (parse.GetValue(from)!, parse.GetValue(to)!);
            using var reader = StorageOption.Open(source, readOnly: true);
            using var writer = StorageOption.Open(target, readOnly: false);
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
        return new Command("db", "Move scores between stores") { copy };
    }

    private static string Printable(string location) => StorageOption.Shared(location)?.ToString() ?? location;
}
