using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Npgsql;

namespace ScheduleSearch.Storage.Postgres;

/// <summary>
/// The <see cref="IScoreStore"/> contract in a PostgreSQL database shared by any number of processes on any
/// number of machines, plus the <see cref="IEvaluationQueue"/> through which they share one search. Keys are
/// primary keys and inserts use <c>ON CONFLICT DO NOTHING</c>, so the first record stored under a key wins
/// whoever races; each call is one transaction. The tables are created and versioned by <see cref="Open"/>; a
/// database of a newer or foreign schema is refused with a <see cref="ScoreStoreException"/> and left untouched.
/// </summary>
/// <remarks>
/// A search's status is derived as in the single-machine store: running while its owner process holds a store
/// open on the database (a shared advisory lock on one connection, gone when the process dies) and its heartbeat
/// is fresh; interrupted otherwise. Appends to a search's history take that search's row lock, so they are
/// serialised per search and the history order is the commit order.
/// </remarks>
public sealed partial class PostgresScoreStore : IScoreStore, IEvaluationQueue
{
    private readonly ScoreStoreOptions options;
    private readonly NpgsqlDataSource source;
    private readonly PostgresPresence? presence;
    private readonly Lock gate = new();
    private readonly HashSet<string> begun = new(StringComparer.Ordinal);
    private bool disposed;

    private PostgresScoreStore(PostgresLocation location, ScoreStoreOptions options, NpgsqlDataSource source, PostgresPresence? presence)
    {
        Location = location;
        this.options = options;
        this.source = source;
        this.presence = presence;
    }

    /// <summary>The schema version this program writes; newer databases are refused.</summary>
    public static int SchemaVersion => PostgresSchema.Version;

    /// <summary>Where the store is (printable: no password).</summary>
    public PostgresLocation Location { get; }

    /// <inheritdoc />
    public bool IsReadOnly => presence is null;

    /// <summary>
    /// Connects to <paramref name="location"/> as a writer, creating the tables on first use. Throws
    /// <see cref="ScoreStoreException"/> with one line naming the location for a wrong password, an unreachable
    /// server, a missing database or a schema of another version or tool.
    /// </summary>
    public static PostgresScoreStore Open(PostgresLocation location, ScoreStoreOptions? options = null) => Connect(location, options, writable: true);

    /// <summary>Connects to an existing store for reading only (list, show, export, db copy's source); writes throw <see cref="InvalidOperationException"/>.</summary>
    public static PostgresScoreStore OpenReadOnly(PostgresLocation location, ScoreStoreOptions? options = null) => Connect(location, options, writable: false);

    /// <inheritdoc />
    public SearchRecord BeginSearch(string name, string specJson, string? keyContextJson = null)
    {
        CheckName(name);
        ArgumentNullException.ThrowIfNull(specJson);
        var now = Ticks(options.Clock.GetUtcNow());
        var owner = ProcessIdentity.Current;
        Write(CancellationToken.None, (connection, tx) =>
        {
            using var find = Command(connection, tx, "SELECT spec FROM searches WHERE name = @n FOR UPDATE", ("n", name));
            var existing = find.ExecuteScalar() as string;
            if (existing is not null && existing != specJson)
            {
                throw new ScoreStoreException($"search '{name}' exists in {Location} with another spec; choose another name to start a new search");
            }

            const string upsert = """
                INSERT INTO searches (name, spec, status, owner_pid, owner_host, created, updated, heartbeat, key_context)
                VALUES (@n, @spec, @status, @pid, @host, @now, @now, @now, @context)
                ON CONFLICT (name) DO UPDATE SET status = @status, owner_pid = @pid, owner_host = @host, updated = @now, heartbeat = @now,
                    key_context = coalesce(@context, searches.key_context)
                """;
            using var command = Command(connection, tx, upsert, ("n", name), ("spec", specJson), ("status", (short)SearchStatus.Running),
                ("pid", owner.ProcessId), ("host", owner.HostName), ("now", now), ("context", (object?)keyContextJson ?? DBNull.Value));
            command.ExecuteNonQuery();
            return 0;
        });
        lock (gate)
        {
            begun.Add(name);
        }

        return GetSearch(name)!;
    }

    /// <inheritdoc />
    public void Heartbeat(string name)
    {
        try
        {
            presence?.Hold();
        }
        catch (Exception e) when (PostgresErrors.Lost(e, Location) is { } lost)
        {
            throw lost;
        }

        UpdateSearch(name, "UPDATE searches SET heartbeat = @now WHERE name = @n", null);
    }

    /// <inheritdoc />
    public void EndSearch(string name, SearchStatus status)
    {
        SearchStatusRule.CheckFinal(status);
        UpdateSearch(name, "UPDATE searches SET status = @s, updated = @now WHERE name = @n", (short)status);
    }

    /// <inheritdoc />
    public SearchRecord? GetSearch(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return ReadSearches("WHERE s.name = @n", ("n", name), CancellationToken.None).SingleOrDefault();
    }

    /// <inheritdoc />
    public IReadOnlyList<SearchRecord> ListSearches(CancellationToken cancellationToken = default) =>
        ReadSearches(string.Empty, null, cancellationToken);

    /// <inheritdoc />
    public EvaluationRecord? GetEvaluation(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return GetEvaluations([key]).GetValueOrDefault(key);
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, EvaluationRecord> GetEvaluations(IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var list = keys.Distinct(StringComparer.Ordinal).ToArray();
        var found = new Dictionary<string, EvaluationRecord>(StringComparer.Ordinal);
        if (list.Length == 0)
        {
            return found;
        }

        Read(connection =>
        {
            using var command = Command(connection, null, "SELECT " + EvaluationColumns + " FROM evaluations e WHERE e.key = ANY(@k)", ("k", list));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var record = ReadEvaluation(reader);
                found[record.Key] = record;
            }

            return 0;
        });
        return found;
    }

    /// <inheritdoc />
    public int AddEvaluations(IReadOnlyList<EvaluationRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (var record in records)
        {
            SearchStatusRule.CheckRecord(record);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (records.Count == 0)
        {
            return 0;
        }

        var searchNames = records.SelectMany(r => r.SearchNames).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return Write(cancellationToken, (connection, tx) =>
        {
            LockSearches(connection, tx, searchNames, cancellationToken);

            // First record per key, inserted in key order so that concurrent batches take row locks in one order (no deadlocks).
            var first = records.DistinctBy(r => r.Key, StringComparer.Ordinal).OrderBy(r => r.Key, StringComparer.Ordinal).ToArray();
            var added = InsertEvaluations(connection, tx, first, cancellationToken);
            var links = new List<(string Search, string Key, bool Cached)>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var record in records)
            {
                var isNew = seen.Add(record.Key) && added.Contains(record.Key);
                links.AddRange(record.SearchNames.Select(s => (s, record.Key, !isNew)));
            }

            InsertLinks(connection, tx, links, cancellationToken);
            return added.Count;
        });
    }

    /// <inheritdoc />
    public int AddCacheHits(string searchName, IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(searchName);
        ArgumentNullException.ThrowIfNull(keys);
        var list = keys.ToArray();
        return Write(cancellationToken, (connection, tx) =>
        {
            LockSearches(connection, tx, [searchName], cancellationToken);
            using (var check = Command(connection, tx, "SELECT k FROM unnest(@k) AS k WHERE NOT EXISTS (SELECT 1 FROM evaluations e WHERE e.key = k) LIMIT 1", ("k", list)))
            {
                if (check.ExecuteScalar() is string missing)
                {
                    throw new KeyNotFoundException($"evaluation {missing} is not stored; store it with AddEvaluations");
                }
            }

            return InsertLinks(connection, tx, [.. list.Select(k => (searchName, k, true))], cancellationToken);
        });
    }

    /// <inheritdoc />
    public IReadOnlyList<EvaluationRecord> GetSearchEvaluations(string searchName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(searchName);
        return Read(connection =>
        {
            var sql = "SELECT " + EvaluationColumns + " FROM history h JOIN evaluations e ON e.key = h.key WHERE h.search = @s ORDER BY h.id";
            using var command = Command(connection, null, sql, ("s", searchName));
            using var reader = command.ExecuteReader();
            var list = new List<EvaluationRecord>();
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                list.Add(ReadEvaluation(reader));
            }

            return list;
        });
    }

    /// <inheritdoc />
    public int CountSearchEvaluations(string searchName)
    {
        ArgumentNullException.ThrowIfNull(searchName);
        return Read(connection =>
        {
            using var command = Command(connection, null, "SELECT count(*) FROM history WHERE search = @s", ("s", searchName));
            return (int)(long)command.ExecuteScalar()!;
        });
    }

    /// <inheritdoc />
    public long CountEvaluations() => Read(connection =>
    {
        using var command = Command(connection, null, "SELECT count(*) FROM evaluations");
        return (long)command.ExecuteScalar()!;
    });

    /// <inheritdoc />
    public bool AddReference(ReferenceArray reference, CancellationToken cancellationToken = default)
    {
        SearchStatusRule.CheckReference(reference);
        var bytes = MemoryMarshal.AsBytes(reference.Data.AsSpan()).ToArray();
        return Write(cancellationToken, (connection, tx) =>
        {
            const string sql = """
                INSERT INTO reference_arrays (name, shape, data, sha256, accuracy, created, description)
                VALUES (@n, @shape, @data, @sha, @acc, @created, @desc) ON CONFLICT (name) DO NOTHING
                """;
            using var command = Command(connection, tx, sql, ("n", reference.Name), ("shape", reference.Shape.ToArray()), ("data", bytes),
                ("sha", SHA256.HashData(bytes)), ("acc", (object?)reference.Accuracy ?? DBNull.Value), ("created", Ticks(reference.Created)),
                ("desc", (object?)reference.DescriptionJson ?? DBNull.Value));
            return command.ExecuteNonQuery() == 1;
        });
    }

    /// <inheritdoc />
    public ReferenceArray? GetReference(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Read(connection =>
        {
            using var command = Command(connection, null, "SELECT shape, data, sha256, accuracy, created, description FROM reference_arrays WHERE name = @n", ("n", name));
            using var reader = command.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }

            var shape = reader.GetFieldValue<int[]>(0);
            var bytes = reader.GetFieldValue<byte[]>(1);
            var sha = reader.GetFieldValue<byte[]>(2);
            if (bytes.Length % sizeof(double) != 0 || !SHA256.HashData(bytes).AsSpan().SequenceEqual(sha))
            {
                throw new ScoreStoreException($"reference '{name}' in {Location} is damaged: its data does not match its checksum");
            }

            return new ReferenceArray
            {
                Name = name,
                Shape = [.. shape],
                Data = [.. MemoryMarshal.Cast<byte, double>(bytes)],
                Accuracy = reader.IsDBNull(3) ? null : reader.GetDouble(3),
                Created = Time(reader.GetInt64(4)),
                DescriptionJson = reader.IsDBNull(5) ? null : reader.GetString(5),
            };
        });
    }

    /// <inheritdoc />
    public void SaveModel(ModelRecord model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Write(CancellationToken.None, (connection, tx) =>
        {
            const string sql = """
                INSERT INTO models (content_hash, path, card, updated) VALUES (@h, @p, @c, @u)
                ON CONFLICT (content_hash) DO UPDATE SET path = @p, card = @c, updated = @u
                """;
            using var command = Command(connection, tx, sql, ("h", model.ContentHash), ("p", model.Path), ("c", model.CardJson), ("u", Ticks(model.Updated)));
            return command.ExecuteNonQuery();
        });
    }

    /// <inheritdoc />
    public ModelRecord? GetModel(string contentHash)
    {
        ArgumentNullException.ThrowIfNull(contentHash);
        return ReadModels("WHERE content_hash = @h", contentHash).SingleOrDefault();
    }

    /// <inheritdoc />
    public IReadOnlyList<ModelRecord> ListModels() => ReadModels(string.Empty, null);

    /// <summary>Marks the searches this store began and left running as interrupted, then closes every connection.</summary>
    public void Dispose()
    {
        string[] running;
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            running = [.. begun];
        }

        try
        {
            if (running.Length > 0 && presence is not null)
            {
                Write(CancellationToken.None, (connection, tx) =>
                {
                    const string sql = "UPDATE searches SET status = @i, updated = @now WHERE name = ANY(@n) AND status = @r AND owner_pid = @pid AND owner_host = @host";
                    using var command = Command(connection, tx, sql, ("i", (short)SearchStatus.Interrupted), ("now", Ticks(options.Clock.GetUtcNow())),
                        ("n", running), ("r", (short)SearchStatus.Running), ("pid", ProcessIdentity.Current.ProcessId), ("host", ProcessIdentity.Current.HostName));
                    return command.ExecuteNonQuery();
                });
            }
        }
        catch (Exception e) when (e is NpgsqlException or StorageIoException)
        {
            // The server is gone: the searches read as interrupted anyway once the presence lock is lost.
        }
        finally
        {
            presence?.Dispose();
            source.Dispose();
        }
    }
}
