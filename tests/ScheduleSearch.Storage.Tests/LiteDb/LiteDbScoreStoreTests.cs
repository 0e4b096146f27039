using System.Diagnostics;
using LiteDB;
using ScheduleSearch.Storage.LiteDb;
using ScheduleSearch.Storage.Tests.Support;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Storage.Tests.LiteDb;

/// <summary>What only the LiteDB store has: one writer per file, readers beside it, refusing bad files unchanged.</summary>
public sealed class LiteDbScoreStoreTests : IDisposable
{
    private static readonly ScoreStoreOptions Fast = new() { LockWait = TimeSpan.FromMilliseconds(100) };
    private readonly TempDirectory directory = new();

    private string DbPath => directory.File("scores.db");

    public void Dispose() => directory.Dispose();

    [Fact]
    public void A_second_writer_is_refused_with_the_owners_pid_and_host()
    {
        using var first = LiteDbScoreStore.Open(DbPath, Fast);
        var ex = Assert.Throws<DatabaseInUseException>(() => LiteDbScoreStore.Open(DbPath, Fast));
        Assert.Equal($"database {DbPath} is in use by pid {Environment.ProcessId} on host {Environment.MachineName}", ex.Message);
    }

    [Fact]
    public void A_lock_held_by_another_process_refuses_the_writer_and_is_taken_over_once_that_process_is_killed()
    {
        if (!File.Exists("/usr/bin/flock"))
        {
            return;
        }

        using (LiteDbScoreStore.Open(DbPath, Fast))
        {
        }

        // flock(1) takes the same flock(LOCK_EX) as .NET's FileShare.None: a real second process holding the lock.
        using var holder = Process.Start(new ProcessStartInfo("/usr/bin/flock", ["-x", DbPath + ".lock", "sleep", "30"]))!;
        var deadline = Stopwatch.StartNew();
        while (!IsLocked(DbPath + ".lock") && deadline.Elapsed < TimeSpan.FromSeconds(5))
        {
            Thread.Sleep(10);
        }

        File.WriteAllText(DbPath + ".owner", $"{{\"pid\":{holder.Id},\"host\":\"{Environment.MachineName}\"}}");
        var refused = Assert.Throws<DatabaseInUseException>(() => LiteDbScoreStore.Open(DbPath, Fast));
        Assert.Contains($"in use by pid {holder.Id} on host", refused.Message, StringComparison.Ordinal);
        holder.Kill(entireProcessTree: true);
        holder.WaitForExit();
        Thread.Sleep(100);
        using var store = LiteDbScoreStore.Open(DbPath, Fast);
        Assert.Contains("took over the lock of pid", Assert.Single(store.Notices), StringComparison.Ordinal);
    }

    [Fact]
    public void A_stale_lock_of_a_dead_writer_is_taken_over_and_its_search_reads_as_interrupted()
    {
        var writer = LiteDbScoreStore.Open(DbPath, Fast);
        writer.BeginSearch("s", "{}");
        writer.AddEvaluations([Records.Evaluation(1)]);
        writer.AbandonForTests();

        using (var reader = LiteDbScoreStore.OpenReadOnly(DbPath))
        {
            Assert.Equal(SearchStatus.Interrupted, reader.GetSearch("s")!.Status);
        }

        using var next = LiteDbScoreStore.Open(DbPath, Fast);
        Assert.Contains($"took over the lock of pid {Environment.ProcessId}", Assert.Single(next.Notices), StringComparison.Ordinal);
        Assert.Equal(SearchStatus.Interrupted, next.GetSearch("s")!.Status);
        Assert.Equal(1, next.CountSearchEvaluations("s"));
        Assert.Equal(SearchStatus.Running, next.BeginSearch("s", "{}").Status);
    }

    [Fact]
    public void A_reader_sees_committed_evaluations_and_a_running_search_while_the_writer_works()
    {
        using var writer = LiteDbScoreStore.Open(DbPath, Fast);
        writer.BeginSearch("s", "{}");
        using var reader = LiteDbScoreStore.OpenReadOnly(DbPath);
        for (var round = 0; round < 5; round++)
        {
            writer.AddEvaluations([.. Enumerable.Range(round * 100, 100).Select(i => Records.Evaluation(i))]);
            Assert.Equal((round + 1) * 100, reader.CountSearchEvaluations("s"));
            Assert.Equal(Records.Evaluation(round * 100), reader.GetEvaluation(Records.Evaluation(round * 100).Key));
        }

        Assert.Equal(SearchStatus.Running, reader.GetSearch("s")!.Status);
        Assert.Equal(500, reader.GetSearchEvaluations("s").Count);
        Assert.True(reader.IsReadOnly);
        Assert.Throws<InvalidOperationException>(() => reader.BeginSearch("t", "{}"));
    }

    [Fact]
    public async Task A_reader_works_while_another_thread_writes_and_checkpoints()
    {
        using var writer = LiteDbScoreStore.Open(DbPath, Fast);
        writer.BeginSearch("s", "{}");
        using var reader = LiteDbScoreStore.OpenReadOnly(DbPath);
        var writing = Task.Run(() =>
        {
            for (var i = 0; i < 40; i++)
            {
                writer.AddEvaluations([.. Enumerable.Range(i * 50, 50).Select(j => Records.Evaluation(j))]);
            }
        });
        var last = 0;
        while (!writing.IsCompleted)
        {
            var count = reader.CountSearchEvaluations("s");
            Assert.True(count >= last);
            last = count;
        }

        await writing;
        Assert.Equal(2000, reader.CountSearchEvaluations("s"));
    }

    [Fact]
    public void A_clean_dispose_marks_running_searches_interrupted_and_leaves_no_log_or_owner()
    {
        using (var writer = LiteDbScoreStore.Open(DbPath, Fast))
        {
            writer.BeginSearch("running", "{}");
            writer.BeginSearch("done", "{}");
            writer.EndSearch("done", SearchStatus.Finished);
            writer.AddEvaluations([Records.Evaluation(1, "running")]);
        }

        Assert.False(File.Exists(directory.File("scores-log.db")));
        Assert.False(File.Exists(DbPath + ".owner"));
        using var reader = LiteDbScoreStore.OpenReadOnly(DbPath);
        Assert.Equal(SearchStatus.Interrupted, reader.GetSearch("running")!.Status);
        Assert.Equal(SearchStatus.Finished, reader.GetSearch("done")!.Status);
        Assert.Equal(Records.Evaluation(1, "running"), reader.GetEvaluation(Records.Evaluation(1).Key));
    }

    [Fact]
    public void A_garbage_file_is_refused_with_its_name_and_left_unchanged()
    {
        File.WriteAllBytes(DbPath, [.. Enumerable.Range(0, 20_000).Select(i => (byte)(i * 31))]);
        AssertRefusedUnchanged("is not a ScheduleSearch database");
    }

    [Fact]
    public void A_page_sized_garbage_file_is_refused_with_its_name_and_left_unchanged()
    {
        File.WriteAllBytes(DbPath, [.. Enumerable.Range(0, 8192 * 3).Select(i => (byte)(i * 7))]);
        AssertRefusedUnchanged("no LiteDB 5 header");
    }

    [Fact]
    public void An_empty_file_is_refused_and_left_unchanged()
    {
        File.WriteAllBytes(DbPath, []);
        AssertRefusedUnchanged("is an empty file");
    }

    [Fact]
    public void A_foreign_LiteDB_database_is_refused_and_left_unchanged()
    {
        using (var foreign = new LiteDatabase(DbPath))
        {
            foreign.GetCollection("customers").Insert(new BsonDocument { ["name"] = "Ada" });
        }

        AssertRefusedUnchanged("is a LiteDB database but not a ScheduleSearch one");
    }

    [Fact]
    public void A_database_from_a_future_schema_is_refused_and_left_unchanged()
    {
        using (LiteDbScoreStore.Open(DbPath, Fast))
        {
        }

        using (var db = new LiteDatabase(DbPath))
        {
            var meta = db.GetCollection("meta");
            var schema = meta.FindById("schema");
            schema["version"] = LiteDbScoreStore.SchemaVersion + 1;
            meta.Update(schema);
        }

        AssertRefusedUnchanged($"has schema version {LiteDbScoreStore.SchemaVersion + 1}, newer than this program's {LiteDbScoreStore.SchemaVersion}");
    }

    [Fact]
    public void A_corrupt_database_is_refused_and_left_unchanged()
    {
        using (var writer = LiteDbScoreStore.Open(DbPath, Fast))
        {
            writer.BeginSearch("s", "{}");
            writer.AddEvaluations([.. Enumerable.Range(0, 50).Select(i => Records.Evaluation(i))]);
        }

        var bytes = File.ReadAllBytes(DbPath);
        for (var i = 8192; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(i * 13);
        }

        File.WriteAllBytes(DbPath, bytes);
        AssertRefusedUnchanged("is damaged");
    }

    [Fact]
    public void An_unreadable_reference_blob_gives_a_clear_error_and_changes_nothing()
    {
        using (var writer = LiteDbScoreStore.Open(DbPath, Fast))
        {
            writer.AddReference(Records.Reference("teacher", samples: 100, dims: 64));
            writer.AddReference(Records.Reference("other"));
        }

        using (var db = new LiteDatabase(DbPath))
        {
            var chunks = db.GetCollection("ref_chunks");
            var chunk = chunks.FindById(new BsonDocument { ["f"] = "teacher", ["n"] = 0 });
            chunk["data"] = new byte[chunk["data"].AsBinary.Length / 2];
            chunks.Update(chunk);
        }

        var before = directory.Snapshot();
        using (var reader = LiteDbScoreStore.OpenReadOnly(DbPath))
        {
            var ex = Assert.Throws<ScoreStoreException>(() => reader.GetReference("teacher"));
            Assert.StartsWith($"reference 'teacher' in {DbPath} is unreadable", ex.Message, StringComparison.Ordinal);
            Assert.Equal(Records.Reference("other"), reader.GetReference("other"));
        }

        Assert.Equal(before, directory.Snapshot());
    }

    [Fact]
    public void Evaluations_searches_references_and_models_survive_reopening()
    {
        using (var writer = LiteDbScoreStore.Open(DbPath, Fast))
        {
            writer.BeginSearch("s", "{\"x\":1}");
            writer.AddEvaluations([.. Enumerable.Range(0, 10).Select(i => Records.Evaluation(i))]);
            writer.AddReference(Records.Reference("r"));
            writer.SaveModel(new ModelRecord { ContentHash = "h", Path = "p", CardJson = "{}", Updated = Records.Epoch });
            writer.EndSearch("s", SearchStatus.Finished);
        }

        using var reopened = LiteDbScoreStore.Open(DbPath, Fast);
        Assert.Empty(reopened.Notices);
        Assert.Equal([.. Enumerable.Range(0, 10).Select(i => Records.Evaluation(i))], reopened.GetSearchEvaluations("s"));
        Assert.Equal(SearchStatus.Finished, reopened.GetSearch("s")!.Status);
        Assert.Equal(Records.Reference("r"), reopened.GetReference("r"));
        Assert.Equal("p", reopened.GetModel("h")!.Path);
        reopened.BeginSearch("s", "{\"x\":1}");
        reopened.AddEvaluations([Records.Evaluation(10)]);
        Assert.Equal(Records.Evaluation(10), reopened.GetSearchEvaluations("s")[^1]);
    }

    [Fact]
    public void Opening_a_missing_database_read_only_is_refused_without_creating_it()
    {
        var ex = Assert.Throws<ScoreStoreException>(() => LiteDbScoreStore.OpenReadOnly(DbPath));
        Assert.Equal($"database {DbPath} does not exist", ex.Message);
        Assert.Empty(directory.Snapshot());
    }

    private static bool IsLocked(string path)
    {
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    private void AssertRefusedUnchanged(string expected)
    {
        var before = directory.Snapshot();
        var writerError = Assert.ThrowsAny<ScoreStoreException>(() => LiteDbScoreStore.Open(DbPath, Fast));
        var readerError = Assert.ThrowsAny<ScoreStoreException>(() => LiteDbScoreStore.OpenReadOnly(DbPath, Fast));
        foreach (var ex in new[] { writerError, readerError })
        {
            Assert.Contains(DbPath, ex.Message, StringComparison.Ordinal);
            Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, directory.Snapshot());
    }
}
