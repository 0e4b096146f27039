using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace ScheduleSearch.Storage.Postgres;

/// <summary>
/// Which processes hold a shared store open: each writable store keeps one connection holding a shared advisory
/// lock keyed by its process identity. The lock dies with the connection, so a killed process stops being
/// present as soon as the server notices, as LiteDB's lock file does for the single-machine store.
/// </summary>
internal sealed class PostgresPresence : IDisposable
{
    private readonly NpgsqlDataSource source;
    private readonly Lock gate = new();
    private NpgsqlConnection? connection;

    public PostgresPresence(NpgsqlDataSource source)
    {
        this.source = source;
        Hold();
    }

    /// <summary>The advisory-lock key of a process.</summary>
    public static long KeyOf(ProcessIdentity identity) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("schedule-search presence\n" + identity)), 0);

    /// <summary>The keys of every process that holds the store open now.</summary>
    public static HashSet<long> Present(NpgsqlConnection connection)
    {
        const string sql = """
            SELECT classid, objid FROM pg_locks
            WHERE locktype = 'advisory' AND objsubid = 1 AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """;
        using var command = new NpgsqlCommand(sql, connection);
        using var reader = command.ExecuteReader();
        var keys = new HashSet<long>();
        while (reader.Read())
        {
            keys.Add((long)(((ulong)reader.GetFieldValue<uint>(0) << 32) | reader.GetFieldValue<uint>(1)));
        }

        return keys;
    }

    /// <summary>Takes the lock again when its connection was lost (a server restart).</summary>
    public void Hold()
    {
        lock (gate)
        {
            if (connection is { FullState: System.Data.ConnectionState.Open })
            {
                return;
            }

            connection?.Dispose();
            connection = source.OpenConnection();
            using var command = new NpgsqlCommand("SELECT pg_advisory_lock_shared(@k)", connection);
            command.Parameters.AddWithValue("k", KeyOf(ProcessIdentity.Current));
            command.ExecuteNonQuery();
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            connection?.Dispose();
            connection = null;
        }
    }
}
