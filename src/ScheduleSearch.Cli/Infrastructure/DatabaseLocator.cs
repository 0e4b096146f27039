using ScheduleSearch.Storage;
using ScheduleSearch.Storage.LiteDb;

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
    /// Every store to list, each with a function that opens it read-only and the location a table prints for it: the
    /// one <c>--storage</c> names (a LiteDB file or the shared PostgreSQL store), else those of <see cref="ForListing"/>.
    /// </summary>
    public static IEnumerable<(Func<IScoreStore> Open, string Location)> OpenForListing(string? database, string? storage)
    {
        if (CheckStorage(database, storage) is { } location)
        {
            yield return (() => StorageOption.OpenShared(location, readOnly: true), location.ToString());
            yield break;
        }

        foreach (var path in ForListing(storage is null ? database : StorageOption.LiteDbPath(storage)))
        {
            yield return (() => LiteDbScoreStore.OpenReadOnlyChecked(path), path);
        }
    }

    /// <summary>
    /// Opens, read-only, the store holding <paramref name="searchName"/>: the shared PostgreSQL store when
    /// <paramref name="storage"/> names one, else the LiteDB file as <see cref="OpenSearch(string, string?)"/> finds
    /// it (<c>--storage litedb:PATH</c> reads as <c>--db PATH</c>). The location returned is the one show prints.
    /// </summary>
    public static (IScoreStore Store, SearchRecord Search, string Path) OpenSearch(string searchName, string? database, string? storage)
    {
        if (CheckStorage(database, storage) is not { } location)
        {
            return OpenSearch(searchName, storage is null ? database : StorageOption.LiteDbPath(storage));
        }

        var store = StorageOption.OpenShared(location, readOnly: true);
        try
        {
            var record = store.GetSearch(searchName) ?? throw new BadInputException($"SEARCH: no search named '{searchName}' in {location}");
            return (store, record, location.ToString());
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens, read-only, the database holding <paramref name="searchName"/>: --db when given, else its default file,
    /// else any db/*.db that has it. Throws a bad-input error naming the search when none has it; writes nothing.
    /// </summary>
    public static (IScoreStore Store, SearchRecord Search, string Path) OpenSearch(string searchName, string? database)
    {
        var candidates = database is not null ? [database] : new[] { ForSearch(searchName) }.Concat(ForListing(null)).Distinct().ToArray();
        DatabaseDamagedException? skipped = null;
        foreach (var path in candidates.Where(File.Exists))
        {
            LiteDbScoreStore store;
            try
            {
                store = LiteDbScoreStore.OpenReadOnly(path);
            }
            catch (DatabaseDamagedException e) when (path != candidates[0])
            {
                // Another search's damaged file does not hide this one; it is reported if this search is nowhere else.
                skipped ??= e;
                continue;
            }

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

        if (skipped is not null)
        {
            throw skipped;
        }

        var where = database ?? (candidates.Length == 0 ? $"{Folder}/ (no databases there)" : string.Join(", ", candidates));
        throw new BadInputException($"SEARCH: no search named '{searchName}' in {where}");
    }

    /// <summary>The shared location of <c>--storage</c>, or null for none or a LiteDB file; refuses <c>--db</c> and <c>--storage</c> together.</summary>
    private static Storage.Postgres.PostgresLocation? CheckStorage(string? database, string? storage)
    {
        if (storage is null)
        {
            return null;
        }

        return database is null ? StorageOption.Shared(storage) : throw new BadInputException("--db and --storage name the same thing; give one of them");
    }
}
