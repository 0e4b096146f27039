using System.Net.Sockets;
using Npgsql;

namespace ScheduleSearch.Storage.Postgres;

/// <summary>
/// Turns Npgsql's failures into one-line <see cref="ScoreStoreException"/>s naming the location (never a password):
/// at open (<see cref="Translate"/>) and mid-search, when the server goes away (<see cref="Lost"/>).
/// </summary>
internal static class PostgresErrors
{
    /// <summary>The user-facing exception for <paramref name="e"/>, or null when it is not an opening problem the user can act on.</summary>
    public static ScoreStoreException? Translate(Exception e, PostgresLocation location) => e switch
    {
        PostgresException { SqlState: "28P01" or "28000" } => new ScoreStoreException(
            $"{location}: the server refused user '{location.User}' (wrong or missing password); set PGPASSWORD or a ~/.pgpass line", e),
        PostgresException { SqlState: "3D000" } => new ScoreStoreException($"{location}: database '{location.Database}' does not exist; create it (createdb) first", e),
        PostgresException { SqlState: "42501" } p => new ScoreStoreException($"{location}: permission denied ({p.MessageText})", e),
        NpgsqlException { InnerException: SocketException or TimeoutException } or NpgsqlException { IsTransient: true } => new ScoreStoreException(
            $"{location}: cannot reach the server ({(e.InnerException ?? e).Message.TrimEnd('.')})", e),
        NpgsqlException when e.Message.Contains("password", StringComparison.OrdinalIgnoreCase) => new ScoreStoreException(
            $"{location}: no password for user '{location.User}'; set PGPASSWORD or a ~/.pgpass line", e),
        _ => null,
    };

    /// <summary>
    /// The server went away during a read or write (restarted, crashed, the network dropped): a
    /// <see cref="StorageIoException"/> saying so in one line, or null for any other failure. The transaction in
    /// flight was not committed and every committed one is kept, so the same command resumes the search once the
    /// server is back; Npgsql's own words ("Exception while reading from stream") name neither the server nor that.
    /// </summary>
    public static StorageIoException? Lost(Exception e, PostgresLocation location) => e switch
    {
        // admin_shutdown, crash_shutdown, cannot_connect_now: the server is stopping or still starting.
        PostgresException p => p.SqlState is "57P01" or "57P02" or "57P03" ? LostMessage(e, location) : null,
        NpgsqlException { InnerException: IOException or SocketException or TimeoutException } or NpgsqlException { IsTransient: true } => LostMessage(e, location),
        _ => null,
    };

    private static StorageIoException LostMessage(Exception e, PostgresLocation location) => new(
        $"{location}: lost the connection to the server ({Innermost(e).Message.TrimEnd('.')}); nothing committed was lost: run the same command again once the server is back, and the search resumes where it stopped",
        e);

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;
}
