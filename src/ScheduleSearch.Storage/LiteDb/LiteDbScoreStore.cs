using System.Runtime.InteropServices;
using LiteDB;
using static ScheduleSearch.Storage.LiteDb.LiteDbDocuments;

namespace ScheduleSearch.Storage.LiteDb;

/// <summary>
/// The <see cref="IScoreStore"/> contract in one LiteDB file. <see cref="Open"/> makes the single writer: it
/// takes an exclusive lock file next to the database (a second writer gets <see cref="DatabaseInUseException"/>),
/// writes each call in one transaction, and on a clean <see cref="Dispose"/> marks its running searches
/// interrupted, checkpoints the log into the file and releases the lock. <see cref="OpenReadOnly"/> makes a
/// reader (list, show, export) that works while a writer runs: each call opens a fresh read-only view, so it sees
/// everything committed until then. Both check the file first, read-only: a foreign or newer database is refused
/// with a <see cref="ScoreStoreException"/> naming it, a damaged one with a <see cref="DatabaseDamagedException"/>
/// (the writer checks every page, document and link before LiteDB may write; a reader checks the page chain), and
/// nothing on disk is changed. The machine refusing a write (a full disk, a read-only file system) becomes a
/// <see cref="StorageIoException"/>; what was committed before stays intact and the writer stops writing.
/// The parts: this file (state, closing, backups), .Opening (the checks before LiteDB opens a file, creation),
/// .Transactions (every read and write, errors translated), .Searches, .Evaluations, .References;
/// <see cref="LiteDbIntegrity"/> (the check), <see cref="LiteDbSalvage"/>, <see cref="LiteDbBackup"/>.
/// </summary>
public sealed partial class LiteDbScoreStore : IScoreStore
{
    private const int ReadAttempts = 5;

    /// <summary>LiteDB's default checkpoint is every 1000 pages (8 MB) of log; every 10 000 (80 MB) rewrites far less.</summary>
    private const int CheckpointPages = 10_000;

    /// <summary>How long a backup or a closing checkpoint waits for readers to leave the <see cref="CheckpointGate"/>.</summary>
    private static readonly TimeSpan GateWait = TimeSpan.FromSeconds(10);
    private readonly Lock gate = new();
    private readonly ScoreStoreOptions options;
    private readonly LiteDatabase? database;
    private readonly WriterLock? writerLock;
    private readonly HashSet<string> begun = new(StringComparer.Ordinal);
    private long sequence;
    private bool disposed;
    private StorageIoException? failed;
    private DateTimeOffset lastBackup;

    private LiteDbScoreStore(string path, ScoreStoreOptions options, LiteDatabase? db, WriterLock? writerLock)
    {
        DatabasePath = path;
        this.options = options;
        database = db;
        this.writerLock = writerLock;
        Notices = writerLock?.Notice is { } notice ? [notice] : [];
        if (db is not null)
        {
            sequence = db.GetCollection(DatabaseInspector.MetaCollection).FindById("sequence")?["value"].AsInt64 ?? 0;
        }
    }

    /// <summary>The schema version this program writes; newer files are refused.</summary>
    public static int SchemaVersion => DatabaseInspector.SchemaVersion;

    /// <summary>LiteDB's write-ahead log beside the database at <paramref name="path"/> ("name-log.ext").</summary>
    public static string LogPathOf(string path) => LiteDbFiles.LogPath(path);

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <summary>Sentences for the user about the opening (a stale lock taken over); empty normally.</summary>
    public IReadOnlyList<string> Notices { get; }

    /// <inheritdoc />
    public bool IsReadOnly => database is null;

    /// <summary>
    /// A writer marks the searches it began and did not end as interrupted, checkpoints the log into the data
    /// file (past the <see cref="CheckpointGate"/>) and releases the lock; a reader holds nothing.
    /// </summary>
    public void Dispose()
    {
        // Closing checkpoints (ours, then LiteDB's own on dispose): past the gate like every checkpoint.
        using var checkpoint = database is null || disposed ? null : CheckpointGate.TryEnterCheckpoint(DatabasePath, GateWait);
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            if (database is null)
            {
                return;
            }

            try
            {
                // After a refused write (a full disk) LiteDB's state cannot be trusted: close without writing again;
                // the log keeps every committed transaction and the next open replays it.
                if (failed is null)
                {
                    CloseCleanly(database);
                }
            }
            finally
            {
                try
                {
                    database.Dispose();
                }
                catch (Exception ex) when (failed is not null && ex is IOException or LiteException)
                {
                    // Closing checkpoints again on a disk that is still full; the log already holds everything committed.
                }
                finally
                {
                    writerLock?.Dispose();
                }
            }
        }
    }

    /// <summary>For <see cref="LiteDbSalvage"/>: writes salvaged documents into this new database in one transaction.</summary>
    internal void WriteSalvaged(Func<LiteDatabase, int> work) => Write(work);

    /// <summary>For tests: ends the writer the way a killed process does (no status change, no checkpoint, lock released by the OS).</summary>
    internal void AbandonForTests()
    {
        lock (gate)
        {
            disposed = true;
            database?.Dispose();
            writerLock?.AbandonForTests();
        }
    }

    /// <summary>
    /// Writes a consistent copy of the database beside it (<see cref="LiteDbBackup.PathFor"/>): the log is
    /// checkpointed into the data file under the write lock, then the file is copied and renamed into place. Returns
    /// the backup's path.
    /// </summary>
    public string Backup()
    {
        if (database is null)
        {
            throw new InvalidOperationException($"database {DatabasePath} was opened read-only; back it up from its writer");
        }

        // Readers hold the gate only for one read each; after a few seconds the checkpoint goes on (they retry).
        using var checkpoint = CheckpointGate.TryEnterCheckpoint(DatabasePath, GateWait);
        return WriteBackup();
    }

    /// <summary>The backup itself; the caller holds the <see cref="CheckpointGate"/> (or waited for it long enough).</summary>
    private string WriteBackup()
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            try
            {
                database!.Checkpoint();
                lastBackup = options.Clock.GetUtcNow();
                return LiteDbBackup.Write(DatabasePath);
            }
            catch (Exception ex) when (IoFailures.Translate(ex, LiteDbBackup.PathFor(DatabasePath)) is { } plain)
            {
                throw plain;
            }
        }
    }

    private void CloseCleanly(LiteDatabase db)
    {
        if (begun.Count > 0)
        {
            InTransaction(db, d =>
            {
                var searches = d.GetCollection(Searches);
                foreach (var doc in begun.Select(n => searches.FindById(n)).OfType<BsonDocument>().Where(x => x["status"] == Name(SearchStatus.Running)))
                {
                    doc["status"] = Name(SearchStatus.Interrupted);
                    doc["updated"] = Time(options.Clock.GetUtcNow());
                    searches.Update(doc);
                }

                return 0;
            });
        }

        db.Checkpoint();
    }

    private static byte[] ToBytes(ReadOnlySpan<double> data)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("reference arrays are stored little-endian; this machine is big-endian");
        }

        return MemoryMarshal.AsBytes(data).ToArray();
    }

    private static void CheckName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Any(char.IsControl))
        {
            throw new ArgumentException($"search name \"{name}\" contains a control character", nameof(name));
        }
    }

    // A writer is the live owner only of the searches it began itself: a search left running by an earlier
    // writer (even an earlier store in this same process) is interrupted.
    private ProcessIdentity? LiveFor(string name, ProcessIdentity? live) =>
        database is null ? live : begun.Contains(name) ? ProcessIdentity.Current : null;
}
