using System.Collections.Immutable;
using Npgsql;

namespace ScheduleSearch.Storage.Postgres;

/// <summary>The SQL plumbing of <see cref="PostgresScoreStore"/>: connections, transactions, row mapping.</summary>
public sealed partial class PostgresScoreStore
{
    private const string EvaluationColumns =
        "e.key, e.schedule_key, e.schedule_json, e.nfe, e.metric, e.score, e.held_out, e.fidelity, e.status, e.duration, e.search_names, e.generation, e.created, e.details, to_jsonb(e) ->> 'generator'";

    private const int WriteAttempts = 5;

    private static PostgresScoreStore Connect(PostgresLocation location, ScoreStoreOptions? options, bool writable)
    {
        ArgumentNullException.ThrowIfNull(location);
        options ??= ScoreStoreOptions.Default;
        var source = NpgsqlDataSource.Create(location.ConnectionString("schedule-search " + ProcessIdentity.Current));
        PostgresPresence? presence = null;
        try
        {
            using (var connection = source.OpenConnection())
            {
                PostgresSchema.Ensure(connection, location, create: writable, Ticks(options.Clock.GetUtcNow()));
            }

            presence = writable ? new PostgresPresence(source) : null;
            return new PostgresScoreStore(location, options, source, presence);
        }
        catch (Exception e) when (PostgresErrors.Translate(e, location) is { } translated)
        {
            presence?.Dispose();
            source.Dispose();
            throw translated;
        }
        catch
        {
            presence?.Dispose();
            source.Dispose();
            throw;
        }
    }

    private static long Ticks(DateTimeOffset time) => time.UtcTicks;

    private static DateTimeOffset Time(long ticks) => new(ticks, TimeSpan.Zero);

    private static void CheckName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Any(char.IsControl))
        {
            throw new ArgumentException($"search name \"{name}\" contains a control character", nameof(name));
        }
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, tx);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private static EvaluationRecord ReadEvaluation(NpgsqlDataReader reader) => new()
    {
        Key = reader.GetString(0),
        ScheduleKey = reader.GetString(1),
        ScheduleJson = reader.GetString(2),
        Nfe = reader.GetInt32(3),
        Metric = reader.GetString(4),
        Score = reader.GetDouble(5),
        HeldOutScore = reader.IsDBNull(6) ? null : reader.GetDouble(6),
        Fidelity = reader.GetInt32(7),
        Status = (EvaluationStatus)reader.GetInt16(8),
        Duration = TimeSpan.FromTicks(reader.GetInt64(9)),
        SearchNames = [.. reader.GetFieldValue<string[]>(10)],
        Generation = reader.GetInt32(11),
        Created = Time(reader.GetInt64(12)),
        DetailsJson = reader.IsDBNull(13) ? null : reader.GetString(13),
        Generator = reader.IsDBNull(14) ? null : reader.GetString(14),
    };

    /// <summary>Runs <paramref name="body"/> in one transaction, retrying it when the server reports a deadlock or a serialisation failure.</summary>
    private T Write<T>(CancellationToken cancellationToken, Func<NpgsqlConnection, NpgsqlTransaction, T> body)
    {
        if (IsReadOnly)
        {
            throw new InvalidOperationException($"the store at {Location} was opened read-only");
        }

        try
        {
            for (var attempt = 1; ; attempt++)
            {
                using var connection = source.OpenConnection();
                using var tx = connection.BeginTransaction();
                try
                {
                    var result = body(connection, tx);
                    cancellationToken.ThrowIfCancellationRequested();
                    tx.Commit();
                    return result;
                }
                catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure && attempt < WriteAttempts)
                {
                    tx.Rollback();
                }
            }
        }
        catch (Exception e) when (PostgresErrors.Lost(e, Location) is { } lost)
        {
            throw lost;
        }
    }

    private T Read<T>(Func<NpgsqlConnection, T> body)
    {
        try
        {
            using var connection = source.OpenConnection();
            return body(connection);
        }
        catch (Exception e) when (PostgresErrors.Lost(e, Location) is { } lost)
        {
            throw lost;
        }
    }

    private void UpdateSearch(string name, string sql, short? status)
    {
        ArgumentNullException.ThrowIfNull(name);
        Write(CancellationToken.None, (connection, tx) =>
        {
            using var command = Command(connection, tx, sql, ("n", name), ("now", Ticks(options.Clock.GetUtcNow())));
            if (status is { } s)
            {
                command.Parameters.AddWithValue("s", s);
            }

            return command.ExecuteNonQuery() == 1 ? 0 : throw new KeyNotFoundException($"search '{name}' does not exist; begin it first");
        });
    }

    /// <summary>Takes the searches' row locks in name order; throws (and so stores nothing) when one was never begun.</summary>
    private static void LockSearches(NpgsqlConnection connection, NpgsqlTransaction tx, string[] names, CancellationToken cancellationToken)
    {
        if (names.Length == 0)
        {
            return;
        }

        using var command = Command(connection, tx, "SELECT name FROM searches WHERE name = ANY(@n) ORDER BY name FOR UPDATE", ("n", names));
        var found = new HashSet<string>(StringComparer.Ordinal);
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                found.Add(reader.GetString(0));
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        foreach (var name in names.Where(n => !found.Contains(n)))
        {
            throw new KeyNotFoundException($"search '{name}' does not exist; begin it before storing its evaluations");
        }
    }

    private static HashSet<string> InsertEvaluations(NpgsqlConnection connection, NpgsqlTransaction tx, EvaluationRecord[] records, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO evaluations (key, schedule_key, schedule_json, nfe, metric, score, held_out, fidelity, status, duration, search_names, generation, created, details, generator)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ON CONFLICT (key) DO NOTHING RETURNING key
            """;
        using var batch = new NpgsqlBatch(connection, tx);
        foreach (var r in records)
        {
            var command = new NpgsqlBatchCommand(sql);
            foreach (var value in (ReadOnlySpan<object?>)[r.Key, r.ScheduleKey, r.ScheduleJson, r.Nfe, r.Metric, r.Score, r.HeldOutScore, r.Fidelity,
                (short)r.Status, r.Duration.Ticks, r.SearchNames.ToArray(), r.Generation, Ticks(r.Created), r.DetailsJson, r.Generator])
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
            }

            batch.BatchCommands.Add(command);
        }

        var added = new HashSet<string>(StringComparer.Ordinal);
        using var reader = batch.ExecuteReader();
        do
        {
            while (reader.Read())
            {
                added.Add(reader.GetString(0));
            }
        }
        while (reader.NextResult());
        cancellationToken.ThrowIfCancellationRequested();
        return added;
    }

    /// <summary>Appends history links in order (the first of a repeated search and key wins); returns how many were new.</summary>
    private static int InsertLinks(NpgsqlConnection connection, NpgsqlTransaction tx, List<(string Search, string Key, bool Cached)> links, CancellationToken cancellationToken)
    {
        var unique = links.DistinctBy(l => (l.Search, l.Key)).ToArray();
        if (unique.Length == 0)
        {
            return 0;
        }

        const string sql = """
            INSERT INTO history (search, key, cached)
            SELECT s, k, c FROM unnest(@s, @k, @c) WITH ORDINALITY AS t(s, k, c, o)
            WHERE NOT EXISTS (SELECT 1 FROM history h WHERE h.search = t.s AND h.key = t.k)
            ORDER BY o
            ON CONFLICT (search, key) DO NOTHING
            """;
        using var command = Command(connection, tx, sql, ("s", unique.Select(l => l.Search).ToArray()), ("k", unique.Select(l => l.Key).ToArray()),
            ("c", unique.Select(l => l.Cached).ToArray()));
        var inserted = command.ExecuteNonQuery();

        // A key in a search's history is done: close its claim in the same transaction, so a worker killed between
        // storing and completing leaves no claim open that nobody would ever re-do (the search has what it needs).
        const string done = """
            UPDATE claims c SET state = 2
            FROM unnest(@s, @k) AS t(s, k)
            WHERE c.search = t.s AND c.key = t.k AND c.state <> 2
            """;
        using var close = Command(connection, tx, done, ("s", unique.Select(l => l.Search).ToArray()), ("k", unique.Select(l => l.Key).ToArray()));
        close.ExecuteNonQuery();
        cancellationToken.ThrowIfCancellationRequested();
        return inserted;
    }

    private List<SearchRecord> ReadSearches(string where, (string Name, object Value)? parameter, CancellationToken cancellationToken)
    {
        var sql = """
            SELECT s.name, s.spec, s.status, s.owner_pid, s.owner_host, s.created, s.updated, s.heartbeat,
                   coalesce(a.n, 0), coalesce(a.cached, 0), coalesce(a.diverged, 0), to_jsonb(s) ->> 'key_context'
            FROM searches s LEFT JOIN LATERAL (
                SELECT count(*) AS n, count(*) FILTER (WHERE h.cached) AS cached, count(*) FILTER (WHERE e.status <> 0) AS diverged
                FROM history h JOIN evaluations e ON e.key = h.key WHERE h.search = s.name) a ON true
            """ + " " + where + " ORDER BY s.seq";
        return Read(connection =>
        {
            var present = PostgresPresence.Present(connection);
            var now = options.Clock.GetUtcNow();
            using var command = parameter is { } p ? Command(connection, null, sql, p) : Command(connection, null, sql);
            using var reader = command.ExecuteReader();
            var list = new List<SearchRecord>();
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var owner = new ProcessIdentity(reader.GetInt32(3), reader.GetString(4));
                var heartbeat = Time(reader.GetInt64(7));
                var live = present.Contains(PostgresPresence.KeyOf(owner)) ? owner : null;
                list.Add(new SearchRecord
                {
                    Name = reader.GetString(0),
                    SpecJson = reader.GetString(1),
                    Status = SearchStatusRule.Effective((SearchStatus)reader.GetInt16(2), owner, heartbeat, live, now, options.HeartbeatTimeout),
                    Created = Time(reader.GetInt64(5)),
                    Updated = Time(reader.GetInt64(6)),
                    Heartbeat = heartbeat,
                    Owner = owner,
                    Evaluations = (int)reader.GetInt64(8),
                    CacheHits = (int)reader.GetInt64(9),
                    Diverged = (int)reader.GetInt64(10),
                    KeyContextJson = reader.IsDBNull(11) ? null : reader.GetString(11),
                });
            }

            return list;
        });
    }

    private List<ModelRecord> ReadModels(string where, string? hash) => Read(connection =>
    {
        using var command = Command(connection, null, "SELECT content_hash, path, card, updated FROM models " + where + " ORDER BY content_hash");
        if (hash is not null)
        {
            command.Parameters.AddWithValue("h", hash);
        }

        using var reader = command.ExecuteReader();
        var list = new List<ModelRecord>();
        while (reader.Read())
        {
            list.Add(new ModelRecord { ContentHash = reader.GetString(0), Path = reader.GetString(1), CardJson = reader.GetString(2), Updated = Time(reader.GetInt64(3)) });
        }

        return list;
    });
}
