using ScheduleSearch.Storage.LiteDb;
using ScheduleSearch.Storage.Tests.Support;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Storage.Tests.LiteDb;

/// <summary>A live writer's checkpoints and the reads beside it exclude each other through <see cref="CheckpointGate"/>.</summary>
public sealed class CheckpointGateTests : IDisposable
{
    private readonly TempDirectory directory = new();

    private string DbPath => directory.File("scores.db");

    public void Dispose() => directory.Dispose();

    [Fact]
    public void A_backup_that_falls_due_while_a_reader_reads_waits_for_a_later_write_and_the_reader_sees_one_state()
    {
        var clock = new ManualClock(Records.Epoch);
        using var writer = LiteDbScoreStore.Open(DbPath, new ScoreStoreOptions { Clock = clock, BackupInterval = TimeSpan.FromHours(1) });
        writer.BeginSearch("s", "{}");
        writer.AddEvaluations([.. Enumerable.Range(0, 10).Select(i => Records.Evaluation(i))]);
        Assert.True(File.Exists(CheckpointGate.PathOf(DbPath)), "the writer makes the gate file as it opens");

        clock.Advance(TimeSpan.FromMinutes(61));
        using (var view = DatabaseInspector.OpenView(DbPath))
        {
            writer.AddEvaluations([.. Enumerable.Range(10, 10).Select(i => Records.Evaluation(i))]);
            Assert.False(File.Exists(LiteDbBackup.PathFor(DbPath)), "the backup's checkpoint was put off while the reader read");
            Assert.Equal(10, view.Db.GetCollection(LiteDbDocuments.Evaluations).Count());
        }

        writer.AddEvaluations([.. Enumerable.Range(20, 10).Select(i => Records.Evaluation(i))]);
        Assert.True(File.Exists(LiteDbBackup.PathFor(DbPath)), "the next write after the reader left backs up");
        var report = LiteDbIntegrity.Check(LiteDbBackup.PathFor(DbPath));
        Assert.Equal(30, report.Evaluations);
    }

    [Fact]
    public void A_reader_waits_while_a_checkpoint_holds_the_gate_and_reads_without_it_when_no_writer_made_one()
    {
        using (var writer = LiteDbScoreStore.Open(DbPath))
        {
            writer.BeginSearch("s", "{}");
        }

        using (var checkpoint = CheckpointGate.TryEnterCheckpoint(DbPath, TimeSpan.Zero))
        {
            Assert.NotNull(checkpoint);
            var started = System.Diagnostics.Stopwatch.StartNew();
            Assert.Null(CheckpointGate.EnterRead(DbPath, TimeSpan.FromMilliseconds(200)));
            Assert.True(started.Elapsed >= TimeSpan.FromMilliseconds(200), "the reader waited for the checkpoint");
        }

        using (var read = CheckpointGate.EnterRead(DbPath, TimeSpan.Zero))
        {
            Assert.NotNull(read);
            Assert.Null(CheckpointGate.TryEnterCheckpoint(DbPath, TimeSpan.FromMilliseconds(50)));
        }

        File.Delete(CheckpointGate.PathOf(DbPath));
        using var store = LiteDbScoreStore.OpenReadOnly(DbPath);
        Assert.Equal(0, store.CountSearchEvaluations("s"));
        Assert.False(File.Exists(CheckpointGate.PathOf(DbPath)), "a reader never creates the gate file");
    }
}
