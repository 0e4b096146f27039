using System.Net.Sockets;
using Npgsql;

namespace ScheduleSearch.Storage.Postgres;

/// <summary>Turns Npgsql's failures at open into one-line <see cref="ScoreStoreException"/>s naming the location (never a password).</summary>
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
}
