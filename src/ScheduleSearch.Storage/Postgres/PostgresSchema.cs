using System.Globalization;
using Npgsql;

namespace ScheduleSearch.Storage.Postgres;

/// <summary>
/// The tables of a shared store and their version. Created on first open, under a transaction-scoped advisory
/// lock so that many workers opening an empty database at once create them once. Times are UTC ticks (bigint,
/// exact to 100 ns like <see cref="DateTimeOffset"/>), durations ticks.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>The schema version this program writes; a database of a newer one is refused.</summary>
    public const int Version = 1;

    /// <summary>The tool name written beside the version, so a foreign schema_version table is recognised.</summary>
    public const string Tool = "schedule-search";

    private const long CreateLock = 0x5343_4845_4453_0001; // "SCHEDS" + 1: serialises schema creation

    private const string Ddl = """
        CREATE TABLE schema_version (version integer NOT NULL, tool text NOT NULL, created bigint NOT NULL);
        CREATE TABLE searches (
            name text PRIMARY KEY, seq bigserial UNIQUE, spec text NOT NULL, status smallint NOT NULL,
            owner_pid integer NOT NULL, owner_host text NOT NULL, created bigint NOT NULL, updated bigint NOT NULL, heartbeat bigint NOT NULL,
            key_context text);
        CREATE TABLE evaluations (
            key text PRIMARY KEY, schedule_key text NOT NULL, schedule_json text NOT NULL, nfe integer NOT NULL, metric text NOT NULL,
            score double precision NOT NULL, held_out double precision, fidelity integer NOT NULL, status smallint NOT NULL,
            duration bigint NOT NULL, search_names text[] NOT NULL, generation integer NOT NULL, created bigint NOT NULL, details text,
            generator text);
        CREATE INDEX evaluations_schedule_key ON evaluations (schedule_key);
        CREATE TABLE history (
            id bigserial PRIMARY KEY, search text NOT NULL REFERENCES searches (name), key text NOT NULL REFERENCES evaluations (key),
            cached boolean NOT NULL, UNIQUE (search, key));
        CREATE TABLE reference_arrays (
            name text PRIMARY KEY, shape integer[] NOT NULL, data bytea NOT NULL, sha256 bytea NOT NULL, accuracy double precision,
            created bigint NOT NULL, description text);
        CREATE TABLE models (content_hash text PRIMARY KEY, path text NOT NULL, card text NOT NULL, updated bigint NOT NULL);
        CREATE TABLE claims (
            search text NOT NULL REFERENCES searches (name), key text NOT NULL, schedule_json text NOT NULL, generation integer NOT NULL,
            seq bigserial, state smallint NOT NULL, owner text, heartbeat bigint, attempts integer NOT NULL DEFAULT 0,
            PRIMARY KEY (search, key));
        CREATE INDEX claims_open ON claims (search, state, seq);
        """;

    /// <summary>
    /// Checks the version, creating the tables in an empty schema when <paramref name="create"/>; throws
    /// <see cref="ScoreStoreException"/> for a newer or foreign schema (and writes nothing then).
    /// </summary>
    public static void Ensure(NpgsqlConnection connection, PostgresLocation location, bool create, long nowTicks)
    {
        using var tx = connection.BeginTransaction();
        if (create)
        {
            using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@k)", connection, tx))
            {
                lockCommand.Parameters.AddWithValue("k", CreateLock);
                lockCommand.ExecuteNonQuery();
            }

            if (location.Schema is { } schema)
            {
                // The name is checked to be a plain lower-case identifier (PostgresLocation.IsPlainName).
                Execute(connection, tx, "CREATE SCHEMA IF NOT EXISTS " + schema);
            }
        }

        using var probe = new NpgsqlCommand("SELECT to_regclass('schema_version') IS NOT NULL, to_regclass('searches') IS NOT NULL", connection, tx);
        bool hasVersion, hasSearches;
        using (var reader = probe.ExecuteReader())
        {
            reader.Read();
            (hasVersion, hasSearches) = (reader.GetBoolean(0), reader.GetBoolean(1));
        }

        if (!hasVersion)
        {
            if (hasSearches)
            {
                throw new ScoreStoreException($"{location} holds a 'searches' table but no schema_version: it is not a ScheduleSearch store; name another database or ?schema=");
            }

            if (!create)
            {
                throw new ScoreStoreException($"{location} holds no ScheduleSearch store yet (no schema_version table)");
            }

            Execute(connection, tx, Ddl);
            using var insert = new NpgsqlCommand("INSERT INTO schema_version (version, tool, created) VALUES (@v, @t, @c)", connection, tx);
            insert.Parameters.AddWithValue("v", Version);
            insert.Parameters.AddWithValue("t", Tool);
            insert.Parameters.AddWithValue("c", nowTicks);
            insert.ExecuteNonQuery();
            tx.Commit();
            return;
        }

        using var read = new NpgsqlCommand("SELECT max(version), min(tool) FROM schema_version", connection, tx);
        using (var reader = read.ExecuteReader())
        {
            reader.Read();
            var version = reader.IsDBNull(0) ? 0 : reader.GetInt32(0);
            var tool = reader.IsDBNull(1) ? string.Empty : reader.GetString(1);
            if (tool != Tool)
            {
                throw new ScoreStoreException($"{location} has a schema_version table of another tool ('{tool}'); name another database or ?schema=");
            }

            if (version > Version)
            {
                throw new ScoreStoreException(string.Create(CultureInfo.InvariantCulture, $"{location} has schema version {version}, newer than this program's {Version}; upgrade schedule-search"));
            }

            if (version < Version)
            {
                throw new ScoreStoreException(string.Create(CultureInfo.InvariantCulture, $"{location} has schema version {version}, which this program cannot read (it writes {Version})"));
            }
        }

        if (create)
        {
            // Added after version 1 without a version bump: optional, read through to_jsonb so that a store written
            // by an older program still reads; a writer adds it to such a store.
            // (Checked first: ALTER TABLE locks the table, and every worker opens a writer.)
            AddColumn(connection, tx, "searches", "key_context");
            AddColumn(connection, tx, "evaluations", "generator");
        }

        tx.Commit();
    }

    /// <summary>Adds an optional text column a store of an older program lacks (checked first: ALTER TABLE locks the table).</summary>
    private static void AddColumn(NpgsqlConnection connection, NpgsqlTransaction tx, string table, string column)
    {
        using var has = new NpgsqlCommand("SELECT count(*) FROM pg_attribute WHERE attrelid = @t::regclass AND attname = @c AND NOT attisdropped", connection, tx);
        has.Parameters.AddWithValue("t", table);
        has.Parameters.AddWithValue("c", column);
        if (Convert.ToInt64(has.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
        {
            Execute(connection, tx, $"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} text");
        }
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction tx, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection, tx);
        command.ExecuteNonQuery();
    }
}
