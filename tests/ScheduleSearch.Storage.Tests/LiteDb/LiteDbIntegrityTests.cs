using LiteDB;
using ScheduleSearch.Storage.LiteDb;
using ScheduleSearch.Storage.Tests.Support;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Storage.Tests.LiteDb;

/// <summary>Damaged files: refused untouched by writers and readers, checked in full, salvaged into a new file.</summary>
public sealed class LiteDbIntegrityTests : IDisposable
{
    private static readonly ScoreStoreOptions Fast = new() { LockWait = TimeSpan.FromMilliseconds(100) };
    private readonly TempDirectory directory = new();

    private string DbPath => directory.File("scores.db");

    public void Dispose() => directory.Dispose();

    [Fact]
    public void An_intact_database_passes_the_full_check_with_its_counts()
    {
        Fill(DbPath, 300);
        var report = LiteDbIntegrity.Check(DbPath);
        Assert.True(report.IsIntact, string.Join("; ", report.Problems));
        Assert.Equal((2, 300, 330, 1, 1), (report.Searches, report.Evaluations, report.HistoryLinks, report.References, report.Models));
    }

    [Theory]
    [InlineData(0.5, 0)]
    [InlineData(0.5, 100)]
    [InlineData(0.8, 4000)]
    public void A_truncated_database_is_refused_by_the_writer_and_the_reader_untouched(double keep, int extraBytes)
    {
        Fill(DbPath, 2000);
        var bytes = File.ReadAllBytes(DbPath);
        var length = ((int)(bytes.Length * keep) / LiteDbFiles.PageSize * LiteDbFiles.PageSize) + extraBytes;
        File.WriteAllBytes(DbPath, bytes[..length]);

        var (writer, reader) = AssertRefusedUnchanged();
        Assert.Contains("truncated", writer.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", reader.Message, StringComparison.Ordinal);
        Assert.Contains("db check " + DbPath + " --salvage", writer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_changed_byte_in_a_stored_score_is_damage_for_the_writer_the_reader_and_the_check()
    {
        Fill(DbPath, 50);
        var bytes = File.ReadAllBytes(DbPath);
        var score = BitConverter.GetBytes(Records.Evaluation(17, "a").Score);
        var at = bytes.AsSpan().IndexOf(score);
        Assert.True(at > 0);
        bytes[at] ^= 0x01;
        File.WriteAllBytes(DbPath, bytes);

        var (writer, _) = AssertRefusedUnchanged(readerOpens: true);
        Assert.Contains("does not match its checksum", writer.Message, StringComparison.Ordinal);
        using (var reader = LiteDbScoreStore.OpenReadOnly(DbPath, Fast))
        {
            var ex = Assert.Throws<DatabaseDamagedException>(() => reader.GetSearchEvaluations("a"));
            Assert.Contains("does not match its checksum", ex.Message, StringComparison.Ordinal);
        }

        Assert.False(LiteDbIntegrity.Check(DbPath).IsIntact);
    }

    [Fact]
    public void Bytes_that_do_not_decode_as_text_are_reported_as_damage_not_as_a_decoding_error()
    {
        Fill(DbPath, 50);
        var bytes = File.ReadAllBytes(DbPath);
        var at = bytes.AsSpan().IndexOf("\"format\":\"schedule-search/schedule@1\",\"i\":17}"u8);
        Assert.True(at > 0);
        bytes[at + 3] = 0x9A;
        File.WriteAllBytes(DbPath, bytes);

        var (writer, _) = AssertRefusedUnchanged(readerOpens: true);
        Assert.StartsWith($"database {DbPath} is damaged: ", writer.Message, StringComparison.Ordinal);
        using var reader = LiteDbScoreStore.OpenReadOnly(DbPath, Fast);
        var ex = Assert.Throws<DatabaseDamagedException>(() => reader.GetSearchEvaluations("a"));
        Assert.StartsWith($"database {DbPath} is damaged: ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Salvage_recovers_every_intact_evaluation_of_a_truncated_file_and_nothing_wrong()
    {
        var all = Fill(DbPath, 2000);
        var bytes = File.ReadAllBytes(DbPath);
        var kept = bytes[..(bytes.Length / 2)];
        File.WriteAllBytes(DbPath, kept);

        // An evaluation is intact when its whole document (as LiteDB serialises it) lies in the bytes that are left.
        var intact = all.Where(e => kept.AsSpan().IndexOf(BsonSerializer.Serialize(ToStoredDocument(e))) >= 0).Select(e => e.Key).ToHashSet();
        Assert.InRange(intact.Count, 300, 1999);

        var target = directory.File("salvaged.db");
        var result = LiteDbSalvage.Salvage(DbPath, target);
        Assert.Equal(kept, File.ReadAllBytes(DbPath));
        Assert.True(LiteDbIntegrity.Check(target).IsIntact);
        using var salvaged = LiteDbScoreStore.OpenReadOnly(target, Fast);
        var byKey = all.ToDictionary(e => e.Key);
        var recovered = salvaged.GetEvaluations(byKey.Keys);
        Assert.Superset(intact, recovered.Keys.ToHashSet());
        Assert.All(recovered.Values, e => Assert.Equal(byKey[e.Key], e));
        Assert.Equal(result.Evaluations, recovered.Count);
    }

    [Fact]
    public void Salvage_of_an_intact_database_copies_everything()
    {
        var all = Fill(DbPath, 300);
        var result = LiteDbSalvage.Salvage(DbPath, directory.File("copy.db"));
        Assert.Equal((2, 300, 330, 1, 1, 0), (result.Searches, result.Evaluations, result.HistoryLinks, result.References, result.Models, result.Unreadable));
        using var copy = LiteDbScoreStore.OpenReadOnly(directory.File("copy.db"), Fast);
        Assert.Equal(all.Where(e => e.SearchNames.Contains("a")), copy.GetSearchEvaluations("a"));
        Assert.Equal(SearchStatus.Interrupted, copy.GetSearch("b")!.Status);
        Assert.Equal(Records.Reference("teacher"), copy.GetReference("teacher"));
    }

    [Fact]
    public void A_writer_backs_up_every_interval_a_copy_that_passes_the_check()
    {
        var clock = new ManualClock(Records.Epoch);
        var options = Fast with { Clock = clock, BackupInterval = TimeSpan.FromHours(1) };
        using var store = LiteDbScoreStore.Open(DbPath, options);
        store.BeginSearch("s", "{}");
        store.AddEvaluations([.. Enumerable.Range(0, 10).Select(i => Records.Evaluation(i))]);
        Assert.False(File.Exists(LiteDbBackup.PathFor(DbPath)));
        clock.Advance(TimeSpan.FromMinutes(61));
        store.AddEvaluations([.. Enumerable.Range(10, 10).Select(i => Records.Evaluation(i))]);
        Assert.True(File.Exists(LiteDbBackup.PathFor(DbPath)));

        var report = LiteDbIntegrity.Check(LiteDbBackup.PathFor(DbPath));
        Assert.True(report.IsIntact, string.Join("; ", report.Problems));
        Assert.Equal(20, report.Evaluations);
    }

    [Fact]
    public void The_next_writer_deletes_the_temporary_copy_a_writer_killed_during_a_backup_left()
    {
        Fill(DbPath, 10);
        var leftover = LiteDbBackup.PathFor(DbPath) + ".tmp-99999";
        File.WriteAllBytes(leftover, [1, 2, 3]);
        var unrelated = directory.File("other.db.backup.tmp-99999");
        File.WriteAllBytes(unrelated, [1]);

        using (LiteDbScoreStore.OpenReadOnly(DbPath, Fast))
        {
            Assert.True(File.Exists(leftover), "a reader deletes nothing");
        }

        using (LiteDbScoreStore.Open(DbPath, Fast))
        {
            Assert.False(File.Exists(leftover));
            Assert.True(File.Exists(unrelated), "another database's files are not touched");
        }
    }

    [Fact]
    public void A_damage_message_names_the_backup_when_there_is_one()
    {
        Fill(DbPath, 50);
        using (var store = LiteDbScoreStore.Open(DbPath, Fast))
        {
            store.Backup();
        }

        var bytes = File.ReadAllBytes(DbPath);
        File.WriteAllBytes(DbPath, bytes[..(bytes.Length - LiteDbFiles.PageSize)]);
        var ex = Assert.Throws<DatabaseDamagedException>(() => LiteDbScoreStore.Open(DbPath, Fast));
        Assert.Contains("restore the backup " + LiteDbBackup.PathFor(DbPath), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_full_disk_is_said_plainly_and_nothing_committed_is_lost()
    {
        // Simulated with a stream that refuses to grow past a budget the way a full disk does (ENOSPC), so the test
        // runs without root; the chaos suite fills a real tmpfs where it can mount one.
        Fill(DbPath, 50);
        var budget = new FullDisk(new FileInfo(DbPath).Length + (3 * LiteDbFiles.PageSize));
        var store = LiteDbScoreStore.OpenForTests(DbPath, Fast, budget.Wrap);
        var stored = 0;
        var ex = Assert.Throws<StorageIoException>(() =>
        {
            for (var i = 1000; i < 3000; i += 10)
            {
                store.AddEvaluations([.. Enumerable.Range(i, 10).Select(k => Records.Evaluation(k, "a"))]);
                stored += 10;
            }
        });
        Assert.StartsWith($"no space left on the disk holding {DbPath}: ", ex.Message, StringComparison.Ordinal);
        Assert.Same(ex, Assert.Throws<StorageIoException>(() => store.AddEvaluations([Records.Evaluation(5000, "a")])));
        store.Dispose();

        using var reopened = LiteDbScoreStore.Open(DbPath, Fast);
        Assert.Equal(50 + stored, reopened.GetSearchEvaluations("a").Count);
        Assert.True(stored > 0);
    }

    private static BsonDocument ToStoredDocument(EvaluationRecord e) => LiteDbDocuments.ToDocument(e);

    private static List<EvaluationRecord> Fill(string path, int count)
    {
        var all = Enumerable.Range(0, count).Select(i => Records.Evaluation(i, "a") with { DetailsJson = "{\"pad\":\"" + new string('x', 200 + (i % 50)) + "\"}" }).ToList();
        using var store = LiteDbScoreStore.Open(path, Fast);
        store.BeginSearch("a", "{\"spec\":1}");
        store.BeginSearch("b", "{\"spec\":2}");
        foreach (var batch in all.Chunk(100))
        {
            store.AddEvaluations(batch);
        }

        store.AddCacheHits("b", all.Take(30).Select(e => e.Key));
        store.AddReference(Records.Reference("teacher"));
        store.SaveModel(new ModelRecord { ContentHash = "h", Path = "p", CardJson = "{}", Updated = Records.Epoch });
        store.EndSearch("a", SearchStatus.Finished);
        return all;
    }

    private (ScoreStoreException Writer, ScoreStoreException Reader) AssertRefusedUnchanged(bool readerOpens = false)
    {
        var before = directory.Snapshot();
        var writer = Assert.Throws<DatabaseDamagedException>(() => LiteDbScoreStore.Open(DbPath, Fast));
        ScoreStoreException reader = writer;
        if (!readerOpens)
        {
            reader = Assert.Throws<DatabaseDamagedException>(() => LiteDbScoreStore.OpenReadOnly(DbPath, Fast));
        }

        foreach (var ex in new ScoreStoreException[] { writer, reader })
        {
            Assert.StartsWith($"database {DbPath} is damaged: ", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', ex.Message);
        }

        Assert.Equal(before, directory.Snapshot());
        return (writer, reader);
    }

    /// <summary>Lets the database's files grow by a shared budget of bytes, then fails writes as a full disk does.</summary>
    private sealed class FullDisk(long budget)
    {
        private long left = budget;

        public Stream Wrap(Stream inner) => new Limited(inner, this);

        private sealed class Limited(Stream inner, FullDisk disk) : Stream
        {
            public override bool CanRead => inner.CanRead;

            public override bool CanSeek => inner.CanSeek;

            public override bool CanWrite => inner.CanWrite;

            public override long Length => inner.Length;

            public override long Position { get => inner.Position; set => inner.Position = value; }

            public override void Flush() => inner.Flush();

            public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

            public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

            public override void SetLength(long value)
            {
                Charge(value - inner.Length);
                inner.SetLength(value);
            }

            public override void Write(byte[] buffer, int offset, int count)
            {
                Charge(inner.Position + count - inner.Length);
                inner.Write(buffer, offset, count);
            }

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    inner.Dispose();
                }

                base.Dispose(disposing);
            }

            private void Charge(long growth)
            {
                if (growth <= 0)
                {
                    return;
                }

                if (growth > disk.left)
                {
                    throw new IOException("No space left on device", 28);
                }

                disk.left -= growth;
            }
        }
    }
}
