using ScheduleSearch.Storage;

namespace ScheduleSearch.Cli.Infrastructure;

/// <summary>
/// Where databases live: <c>--db PATH</c> when given, else <c>db/&lt;search-name&gt;.db</c> under the current folder
/// (one file per search, so two searches can run at once; each file has one writer). Commands that are not tied
/// to a search (evaluate, baselines) default to <c>db/evaluations.db</c>.
/// </summary>
public static class DatabaseLocator
{
    /// <summary>The folder of default databases.</summary>
    public const string Folder = "db";

    /// <summary>The default database of evaluate and baselines.</summary>
    public static string EvaluationsDefault => Path.Combine(Folder, "evaluations.db");

    /// <summary>The default database file of a search.</summary>
    public static string ForSearch(string searchName)
    {
        ArgumentNullException.ThrowIfNull(searchName);
        var safe = new string(searchName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-').ToArray());
        return Path.Combine(Folder, safe + ".db");
    }

    /// <summary>Every database to list: the given one, or each db/*.db.</summary>
    public static IReadOnlyList<string> ForListing(string? database)
    {
        if (database is not null)
        {
            return File.Exists(database) ? [database] : throw new BadInputException($"--db: database '{database}' does not exist");
        }

        return Directory.Exists(Folder) ? Directory.GetFiles(Folder, "*.db").Order(StringComparer.Ordinal).ToArray() : [];
    }

    /// <summary>
    /// Opens, read-only, the database holding <paramref name="searchName"/>: --db when given, else its default file,
    /// else any db/*.db that has it. Throws a bad-input error naming the search when none has it; writes nothing.
    /// </summary>
    public static (LiteDbScoreStore Store, SearchRecord Search, string Path) OpenSearch(string searchName, string? database)
    {
        var candidates = database is not null ? [database] : new[] { ForSearch(searchName) }.Concat(ForListing(null)).Distinct().ToArray();
        foreach (var path in candidates.Where(File.Exists))
        {
            var store = LiteDbScoreStore.OpenReadOnly(path);
            var record = store.GetSearch(searchName);
            if (record is not null)
            {
                return (store, record, path);
            }

            store.Dispose();
        }

        if (database is not null && !File.Exists(database))
        {
            throw new BadInputException($"--db: database '{database}' does not exist");
        }

        var where = database ?? (candidates.Length == 0 ? $"{Folder}/ (no databases there)" : string.Join(", ", candidates));
        throw new BadInputException($"SEARCH: no search named '{searchName}' in {where}");
    }
}
