using System.CommandLine;
using ScheduleSearch.Storage;
using ScheduleSearch.Storage.LiteDb;
using ScheduleSearch.Storage.Postgres;

namespace ScheduleSearch.Cli.Infrastructure;

/// <summary>
/// <c>--storage litedb:PATH | postgresql://user@host:port/db</c>: the single-machine file (the default, as
/// <c>--db</c>) or the shared PostgreSQL store that workers on many machines use. The password never appears
/// here: it comes from PGPASSWORD or ~/.pgpass.
/// </summary>
public static class StorageOption
{
    /// <summary>The prefix of a LiteDB location.</summary>
    public const string LiteDbPrefix = "litedb:";

    /// <summary>Builds the option (<paramref name="required"/> for worker and db copy).</summary>
    public static Option<string?> Create(string name = "--storage", bool required = false) => new(name)
    {
        Description = "Where scores live: litedb:PATH (one machine; the default is the --db file) or postgresql://user@host:port/db (shared by workers; password from PGPASSWORD or ~/.pgpass)",
        HelpName = "litedb:PATH|postgresql://...",
        Required = required,
    };

    /// <summary>The PostgreSQL location in <paramref name="text"/>, or null when it names a LiteDB file.</summary>
    public static PostgresLocation? Shared(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (PostgresLocation.IsUrl(text))
        {
            try
            {
                return PostgresLocation.Parse(text);
            }
            catch (ScoreStoreException e)
            {
                throw new BadInputException("--storage: " + e.Message, e);
            }
        }

        return text.StartsWith(LiteDbPrefix, StringComparison.Ordinal) && text.Length > LiteDbPrefix.Length
            ? null
            : throw new BadInputException($"--storage: '{text}' is neither litedb:PATH nor postgresql://user@host:port/db");
    }

    /// <summary>
    /// Connects to the shared store at <paramref name="location"/>. What the user can fix (a wrong password, an
    /// unreachable server, a missing database, a schema of another version or tool) becomes a one-line
    /// <see cref="BadInputException"/> naming the location, never the password; nothing is written then.
    /// </summary>
    public static PostgresScoreStore OpenShared(PostgresLocation location, bool readOnly)
    {
        ArgumentNullException.ThrowIfNull(location);
        try
        {
            return readOnly ? PostgresScoreStore.OpenReadOnly(location) : PostgresScoreStore.Open(location);
        }
        catch (ScoreStoreException e)
        {
            throw new BadInputException(e.Message, e);
        }
    }

    /// <summary>The location as messages and tables print it: the URL without a password, or the LiteDB file.</summary>
    public static string Printable(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Shared(text)?.ToString() ?? LiteDbPath(text);
    }

    /// <summary>The file of a <c>litedb:PATH</c> location.</summary>
    public static string LiteDbPath(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Shared(text) is null ? text[LiteDbPrefix.Length..] : throw new BadInputException($"--storage: {text} is not a litedb: location");
    }

    /// <summary>Opens <paramref name="text"/> as a writer, or read-only.</summary>
    public static IScoreStore Open(string text, bool readOnly)
    {
        if (Shared(text) is { } location)
        {
            return OpenShared(location, readOnly);
        }

        var path = LiteDbPath(text);
        if (readOnly && !File.Exists(path))
        {
            throw new BadInputException($"--storage: database '{path}' does not exist");
        }

        return readOnly ? LiteDbScoreStore.OpenReadOnly(path) : LiteDbScoreStore.Open(path);
    }
}
