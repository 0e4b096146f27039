using ScheduleSearch.Storage.Postgres;
using ScheduleSearch.Storage.Tests.Support;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Storage.Tests.Postgres;

/// <summary>What only the shared store does: its URL, its schema version, its one-line errors and its claim queue.</summary>
public sealed class PostgresScoreStoreTests : IDisposable
{
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);
    private readonly PostgresTestServer server = new();
    private readonly ManualClock clock = new(Records.Epoch);

    private ScoreStoreOptions Options => new() { Clock = clock };

    [Fact]
    public void A_url_with_a_password_is_refused_without_echoing_it()
    {
        var ex = Assert.Throws<ScoreStoreException>(() => PostgresLocation.Parse("postgresql://me:s3cret@db.example:5433/schedules"));
        Assert.DoesNotContain("s3cret", ex.Message, StringComparison.Ordinal);
        Assert.Contains("PGPASSWORD", ex.Message, StringComparison.Ordinal);
        var location = PostgresLocation.Parse("postgresql://me@db.example:5433/schedules?schema=night_1");
        Assert.Equal(("me", "db.example", 5433, "schedules", "night_1"), (location.User, location.Host, location.Port, location.Database, location.Schema));
        Assert.Equal("postgresql://me@db.example:5433/schedules?schema=night_1", location.ToString());
    }

    [Fact]
    public void A_database_of_a_newer_schema_version_is_refused_and_left_unchanged()
    {
        PostgresScoreStore.Open(server.Location, Options).Dispose();
        server.Execute($"UPDATE {server.Location.Schema}.schema_version SET version = 99");
        var ex = Assert.Throws<ScoreStoreException>(() => PostgresScoreStore.Open(server.Location, Options));
        Assert.Contains("schema version 99, newer than this program's 1", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void A_store_written_before_searches_had_a_key_context_reads_and_a_writer_adds_the_column()
    {
        using (var first = PostgresScoreStore.Open(server.Location, Options))
        {
            first.BeginSearch("old", "{}");
        }

        server.Execute($"ALTER TABLE {server.Location.Schema}.searches DROP COLUMN key_context");
        using (var reader = PostgresScoreStore.OpenReadOnly(server.Location, Options))
        {
            Assert.Null(Assert.Single(reader.ListSearches()).KeyContextJson);
        }

        using var writer = PostgresScoreStore.Open(server.Location, Options);
        Assert.Null(writer.GetSearch("old")!.KeyContextJson);
        Assert.Equal("{\"k\":1}", writer.BeginSearch("old", "{}", "{\"k\":1}").KeyContextJson);
    }

    [Fact]
    public void A_store_written_before_evaluations_had_a_generator_reads_them_without_one_and_a_writer_adds_the_column()
    {
        using (var first = PostgresScoreStore.Open(server.Location, Options))
        {
            first.BeginSearch("s", "{}");
            first.AddEvaluations([Records.Evaluation(1)]);
        }

        server.Execute($"ALTER TABLE {server.Location.Schema}.evaluations DROP COLUMN generator");
        using (var reader = PostgresScoreStore.OpenReadOnly(server.Location, Options))
        {
            Assert.Equal(Records.Evaluation(1), Assert.Single(reader.GetSearchEvaluations("s")));
        }

        using var writer = PostgresScoreStore.Open(server.Location, Options);
        var proposed = Records.Evaluation(2) with { Generator = "composite/joint-cma" };
        writer.AddEvaluations([proposed]);
        Assert.Equal([Records.Evaluation(1), proposed], writer.GetSearchEvaluations("s"));
    }

    [Fact]
    public void A_foreign_database_is_refused_and_read_only_opening_creates_nothing()
    {
        var foreign = server.Another("foreign");
        server.Execute($"CREATE SCHEMA {foreign.Schema}; CREATE TABLE {foreign.Schema}.searches (id int)");
        Assert.Contains("not a ScheduleSearch store", Assert.Throws<ScoreStoreException>(() => PostgresScoreStore.Open(foreign, Options)).Message, StringComparison.Ordinal);
        Assert.Contains("no ScheduleSearch store", Assert.Throws<ScoreStoreException>(() => PostgresScoreStore.OpenReadOnly(server.Location, Options)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_password_and_unreachable_server_give_one_line_errors()
    {
        var unreachable = server.Location with { Host = "127.0.0.1", Port = 1 };
        var ex = Assert.Throws<ScoreStoreException>(() => PostgresScoreStore.Open(unreachable, Options));
        Assert.Contains("cannot reach the server", ex.Message, StringComparison.Ordinal);
        var stranger = server.Location with { User = "nobody_" + Guid.NewGuid().ToString("N")[..8] };
        ex = Assert.Throws<ScoreStoreException>(() => PostgresScoreStore.Open(stranger, Options));
        Assert.Contains("refused user", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void A_read_only_store_reads_and_refuses_writes()
    {
        using (var writer = PostgresScoreStore.Open(server.Location, Options))
        {
            writer.BeginSearch("s", "{}");
            writer.AddEvaluations([Records.Evaluation(1)]);
        }

        using var reader = PostgresScoreStore.OpenReadOnly(server.Location, Options);
        Assert.True(reader.IsReadOnly);
        Assert.Equal(SearchStatus.Interrupted, reader.GetSearch("s")!.Status);
        Assert.Equal(1, reader.CountSearchEvaluations("s"));
        Assert.Throws<InvalidOperationException>(() => reader.BeginSearch("t", "{}"));
    }

    [Fact]
    public void The_queue_accepts_only_what_fits_the_budget_counting_running_claims()
    {
        using var store = PostgresScoreStore.Open(server.Location, Options);
        store.BeginSearch("s", "{}");
        store.AddEvaluations([Records.Evaluation(0)]);
        var candidates = Enumerable.Range(0, 6).Select(Candidate).ToList();
        Assert.Equal(4, store.Enqueue("s", candidates, budget: 4));
        Assert.Equal(new QueueCounts(3, 0, 0), store.CountClaims("s"));
        Assert.Equal(2, store.Claim("s", "w1", 2, Grace).Count);
        Assert.Equal(4, store.Enqueue("s", candidates, budget: 4));
        Assert.Equal(0, store.Enqueue("s", [Candidate(9)], budget: 4));
        Assert.Equal(1, store.Enqueue("s", [Candidate(9)], budget: 5));
    }

    [Fact]
    public void A_dead_workers_claim_is_claimable_again_after_the_grace_period_and_a_live_ones_is_not()
    {
        using var store = PostgresScoreStore.Open(server.Location, Options);
        store.BeginSearch("s", "{}");
        store.Enqueue("s", [Candidate(1), Candidate(2)], budget: 10);
        var dead = Assert.Single(store.Claim("s", "dead", 1, Grace));
        var live = Assert.Single(store.Claim("s", "live", 1, Grace));
        Assert.Empty(store.Claim("s", "other", 5, Grace));
        clock.Advance(TimeSpan.FromSeconds(45));
        Assert.Equal(1, store.RenewClaims("live"));
        clock.Advance(TimeSpan.FromSeconds(30));
        var retaken = Assert.Single(store.Claim("s", "other", 5, Grace));
        Assert.Equal(dead.Candidate, retaken.Candidate);
        Assert.Equal(2, retaken.Attempts);
        Assert.NotEqual(live.Candidate, retaken.Candidate);
        store.AddEvaluations([Records.Evaluation(1)]);
        store.Complete("s", retaken.Candidate.Key);
        Assert.Equal(new QueueCounts(0, 1, 1), store.CountClaims("s"));
        Assert.Equal(1, store.CountPending("s", [dead.Candidate.Key, live.Candidate.Key]));
    }

    [Fact]
    public void Workers_claiming_at_once_never_get_the_same_candidate()
    {
        using var store = PostgresScoreStore.Open(server.Location, Options);
        store.BeginSearch("s", "{}");
        store.Enqueue("s", [.. Enumerable.Range(0, 60).Select(Candidate)], budget: 60);
        var claimed = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 4, w =>
        {
            while (store.Claim("s", "w" + w, 3, Grace) is { Count: > 0 } claims)
            {
                foreach (var c in claims)
                {
                    claimed.Add(c.Candidate.Key);
                }
            }
        });
        Assert.Equal(60, claimed.Count);
        Assert.Equal(60, claimed.Distinct().Count());
    }

    public void Dispose() => server.Dispose();

    private static QueuedCandidate Candidate(int i) => new(Records.Evaluation(i).Key, "{\"i\":" + i + "}", 1);
}
