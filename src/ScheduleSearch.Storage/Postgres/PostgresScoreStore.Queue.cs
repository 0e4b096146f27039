namespace ScheduleSearch.Storage.Postgres;

/// <summary>The claim queue of <see cref="PostgresScoreStore"/> (table <c>claims</c>: search, key, candidate, state, owner, heartbeat).</summary>
public sealed partial class PostgresScoreStore
{
    private const short Queued = 0;
    private const short Running = 1;
    private const short Done = 2;

    /// <inheritdoc />
    public int Enqueue(string searchName, IReadOnlyList<QueuedCandidate> candidates, int budget, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(searchName);
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentOutOfRangeException.ThrowIfNegative(budget);
        if (candidates.Count == 0)
        {
            return 0;
        }

        var keys = candidates.Select(c => c.Key).ToArray();
        return Write(cancellationToken, (connection, tx) =>
        {
            // The search's row lock serialises every enqueue and history append of this search: the count below stays true until commit.
            LockSearches(connection, tx, [searchName], cancellationToken);
            const string usedSql = """
                SELECT (SELECT count(*) FROM history WHERE search = @s)
                     + (SELECT count(*) FROM claims c WHERE c.search = @s AND c.state < 2
                          AND NOT EXISTS (SELECT 1 FROM history h WHERE h.search = c.search AND h.key = c.key))
                """;
            long used;
            using (var command = Command(connection, tx, usedSql, ("s", searchName)))
            {
                used = (long)command.ExecuteScalar()!;
            }

            var known = new HashSet<string>(StringComparer.Ordinal);
            const string knownSql = "SELECT key FROM claims WHERE search = @s AND key = ANY(@k) UNION SELECT key FROM history WHERE search = @s AND key = ANY(@k)";
            using (var command = Command(connection, tx, knownSql, ("s", searchName), ("k", keys)))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    known.Add(reader.GetString(0));
                }
            }

            var fresh = new List<QueuedCandidate>();
            var accepted = 0;
            foreach (var candidate in candidates)
            {
                if (!known.Contains(candidate.Key))
                {
                    if (used >= budget)
                    {
                        break;
                    }

                    fresh.Add(candidate);
                    known.Add(candidate.Key);
                    used++;
                }

                accepted++;
            }

            if (fresh.Count > 0)
            {
                const string insert = """
                    INSERT INTO claims (search, key, schedule_json, generation, state)
                    SELECT @s, k, j, g, 0 FROM unnest(@k, @j, @g) WITH ORDINALITY AS t(k, j, g, o) ORDER BY o
                    ON CONFLICT (search, key) DO NOTHING
                    """;
                using var command = Command(connection, tx, insert, ("s", searchName), ("k", fresh.Select(c => c.Key).ToArray()),
                    ("j", fresh.Select(c => c.ScheduleJson).ToArray()), ("g", fresh.Select(c => c.Generation).ToArray()));
                command.ExecuteNonQuery();
            }

            return accepted;
        });
    }

    /// <inheritdoc />
    public IReadOnlyList<EvaluationClaim> Claim(string searchName, string workerId, int count, TimeSpan grace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(searchName);
        ArgumentException.ThrowIfNullOrEmpty(workerId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var now = options.Clock.GetUtcNow();
        return Write(cancellationToken, (connection, tx) =>
        {
            // SKIP LOCKED: workers claiming at once each get other rows instead of queueing behind one another.
            const string sql = """
                UPDATE claims c SET state = 1, owner = @w, heartbeat = @now, attempts = c.attempts + 1
                FROM (SELECT search, key FROM claims
                      WHERE search = @s AND (state = 0 OR (state = 1 AND heartbeat < @expired))
                      ORDER BY seq LIMIT @n FOR UPDATE SKIP LOCKED) AS pick
                WHERE c.search = pick.search AND c.key = pick.key
                RETURNING c.seq, c.key, c.schedule_json, c.generation, c.attempts
                """;
            using var command = Command(connection, tx, sql, ("w", workerId), ("now", Ticks(now)), ("s", searchName),
                ("expired", Ticks(now - grace)), ("n", count));
            using var reader = command.ExecuteReader();
            var claims = new List<(long Seq, EvaluationClaim Claim)>();
            while (reader.Read())
            {
                var candidate = new QueuedCandidate(reader.GetString(1), reader.GetString(2), reader.GetInt32(3));
                claims.Add((reader.GetInt64(0), new EvaluationClaim(searchName, candidate, reader.GetInt32(4))));
            }

            return (IReadOnlyList<EvaluationClaim>)[.. claims.OrderBy(c => c.Seq).Select(c => c.Claim)];
        });
    }

    /// <inheritdoc />
    public int RenewClaims(string workerId)
    {
        ArgumentException.ThrowIfNullOrEmpty(workerId);
        return Write(CancellationToken.None, (connection, tx) =>
        {
            using var command = Command(connection, tx, "UPDATE claims SET heartbeat = @now WHERE owner = @w AND state = 1",
                ("now", Ticks(options.Clock.GetUtcNow())), ("w", workerId));
            return command.ExecuteNonQuery();
        });
    }

    /// <inheritdoc />
    public void Complete(string searchName, string key)
    {
        ArgumentNullException.ThrowIfNull(searchName);
        ArgumentNullException.ThrowIfNull(key);
        Write(CancellationToken.None, (connection, tx) =>
        {
            using var command = Command(connection, tx, "UPDATE claims SET state = 2 WHERE search = @s AND key = @k", ("s", searchName), ("k", key));
            return command.ExecuteNonQuery();
        });
    }

    /// <inheritdoc />
    public void Release(string searchName, string key, string workerId)
    {
        ArgumentNullException.ThrowIfNull(searchName);
        ArgumentNullException.ThrowIfNull(key);
        Write(CancellationToken.None, (connection, tx) =>
        {
            const string sql = "UPDATE claims SET state = 0, owner = NULL, heartbeat = NULL WHERE search = @s AND key = @k AND owner = @w AND state = 1";
            using var command = Command(connection, tx, sql, ("s", searchName), ("k", key), ("w", workerId));
            return command.ExecuteNonQuery();
        });
    }

    /// <inheritdoc />
    public QueueCounts CountClaims(string searchName)
    {
        ArgumentNullException.ThrowIfNull(searchName);
        return Read(connection =>
        {
            const string sql = "SELECT count(*) FILTER (WHERE state = 0), count(*) FILTER (WHERE state = 1), count(*) FILTER (WHERE state = 2) FROM claims WHERE search = @s";
            using var command = Command(connection, null, sql, ("s", searchName));
            using var reader = command.ExecuteReader();
            reader.Read();
            return new QueueCounts((int)reader.GetInt64(0), (int)reader.GetInt64(1), (int)reader.GetInt64(2));
        });
    }

    /// <inheritdoc />
    public int CountPending(string searchName, IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(searchName);
        ArgumentNullException.ThrowIfNull(keys);
        var list = keys.Distinct(StringComparer.Ordinal).ToArray();
        return Read(connection =>
        {
            const string sql = "SELECT count(*) FROM unnest(@k) AS k WHERE NOT EXISTS (SELECT 1 FROM history h WHERE h.search = @s AND h.key = k)";
            using var command = Command(connection, null, sql, ("s", searchName), ("k", list));
            return (int)(long)command.ExecuteScalar()!;
        });
    }
}
