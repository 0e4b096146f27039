using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
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
/// The parts: this file (opening, closing, transactions), .Searches, .Evaluations, .References;
/// <see cref="LiteDbIntegrity"/> (the check), <see cref="LiteDbSalvage"/>, <see cref="LiteDbBackup"/>.
/// </summary>
public sealed partial class LiteDbScoreStore : IScoreStore
{
    private const int ReadAttempts = 5;
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
    /// Opens (or creates) the database at <paramref name="path"/> as its only writer. Throws
    /// <see cref="DatabaseInUseException"/> when another live process (or another open store in this one) holds
    /// it, <see cref="ScoreStoreException"/> when the file is not a readable ScheduleSearch database of a known schema.
    /// </summary>
    public static LiteDbScoreStore Open(string path, ScoreStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= ScoreStoreOptions.Default;
        path = Path.GetFullPath(path);
        try
        {
            return OpenWriter(path, options, null);
        }
        catch (Exception ex) when (IoFailures.Translate(ex, path) is { } plain)
        {
            throw plain;
        }
    }

    /// <summary>For tests: a writer whose data and log streams pass through <paramref name="wrap"/> (to make a disk fill up).</summary>
    internal static LiteDbScoreStore OpenForTests(string path, ScoreStoreOptions options, Func<Stream, Stream> wrap)
    {
        path = Path.GetFullPath(path);
        try
        {
            return OpenWriter(path, options, wrap);
        }
        catch (Exception ex) when (IoFailures.Translate(ex, path) is { } plain)
        {
            throw plain;
        }
    }

    private static LiteDbScoreStore OpenWriter(string path, ScoreStoreOptions options, Func<Stream, Stream>? wrap)
    {
        var checkedFirst = false;
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        }
        else if (LiteDbFiles.ProbeLiveWriter(path) is null)
        {
            // Checked before the lock file is made, so a refused file gets no companion files either.
            LiteDbIntegrity.RequireIntact(path);
            checkedFirst = true;
        }

        var writerLock = WriterLock.Acquire(path, options.LockWait, options.Clock);
        try
        {
            if (!File.Exists(path))
            {
                Create(path, options.Clock.GetUtcNow());
            }
            else if (!checkedFirst)
            {
                // A writer held the file during the check above (or it appeared since): check it now that none can.
                LiteDbIntegrity.RequireIntact(path);
            }

            var db = wrap is null
                ? new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct, Upgrade = false })
                : new LiteDatabase(new LiteDB.Engine.LiteEngine(new LiteDB.Engine.EngineSettings
                {
                    DataStream = wrap(new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite)),
                    LogStream = wrap(new FileStream(LiteDbFiles.LogPath(path), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite)),
                    AutoRebuild = false,
                }));

            // Checkpoint every 80 MB of log instead of 8 MB: each checkpoint rewrites the logged pages into the data file.
            db.CheckpointSize = 10_000;
            try
            {
                DatabaseInspector.CheckSchema(db, path);
                EnsureIndexes(db);
                return new LiteDbScoreStore(path, options, db, writerLock) { lastBackup = options.Clock.GetUtcNow() };
            }
            catch
            {
                db.Dispose();
                throw;
            }
        }
        catch
        {
            writerLock.Dispose();
            throw;
        }
    }

    /// <summary>
    /// <see cref="OpenReadOnly"/> after the full integrity check (<see cref="LiteDbIntegrity"/>) when no writer holds
    /// the file (with one, pages move under the check, and the writer checked the file when it opened it): what
    /// <c>list</c> uses, so a flipped byte inside a document marks the database damaged there too.
    /// </summary>
    public static LiteDbScoreStore OpenReadOnlyChecked(string path, ScoreStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        path = Path.GetFullPath(path);
        if (File.Exists(path) && LiteDbFiles.ProbeLiveWriter(path) is null)
        {
            LiteDbIntegrity.RequireIntact(path);
        }

        return OpenReadOnly(path, options);
    }

    /// <summary>
    /// Opens the database for reading while a writer may be running; holds no file open between calls and never
    /// writes. Throws <see cref="ScoreStoreException"/> when the file is missing, foreign, corrupt or newer.
    /// </summary>
    public static LiteDbScoreStore OpenReadOnly(string path, ScoreStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        path = Path.GetFullPath(path);
        if (!File.Exists(path))
        {
            throw new ScoreStoreException($"database {path} does not exist");
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                DatabaseInspector.Inspect(path);
                break;
            }
            catch (ScoreStoreException) when (attempt < ReadAttempts && LiteDbFiles.ProbeLiveWriter(path) is not null)
            {
                // A checkpoint in progress can show a reader pages in motion for an instant.
                Thread.Sleep(20 * attempt);
            }
        }

        return new LiteDbScoreStore(path, options ?? ScoreStoreOptions.Default, null, null);
    }

    /// <summary>
    /// A writer marks the searches it began and did not end as interrupted, checkpoints the log into the data
    /// file and releases the lock; a reader holds nothing.
    /// </summary>
    public void Dispose()
    {
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

        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            try
            {
                database.Checkpoint();
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

    private static void Create(string path, DateTimeOffset now)
    {
        // Built under a temporary name and renamed, so a crash never leaves a LiteDB file without our schema record.
        var temp = path + ".creating-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        File.Delete(temp);
        File.Delete(LiteDbFiles.LogPath(temp));
        using (var db = new LiteDatabase(new ConnectionString
        {
            Filename = temp,
            Connection = ConnectionType.Direct,
            Collation = new Collation(CultureInfo.InvariantCulture.LCID, CompareOptions.Ordinal),
        }))
        {
            db.GetCollection(DatabaseInspector.MetaCollection).Insert(new BsonDocument
            {
                ["_id"] = "schema", ["app"] = DatabaseInspector.App, ["version"] = DatabaseInspector.SchemaVersion, ["created"] = Time(now),
            });
            EnsureIndexes(db);
            db.Checkpoint();
        }

        File.Move(temp, path, overwrite: false);
    }

    private static void EnsureIndexes(LiteDatabase db)
    {
        db.GetCollection(History).EnsureIndex("order", "$.order", unique: true);
    }

    private static T InTransaction<T>(LiteDatabase db, Func<LiteDatabase, T> work)
    {
        db.BeginTrans();
        try
        {
            var result = work(db);
            db.Commit();
            return result;
        }
        catch (Exception ex)
        {
            try
            {
                db.Rollback();
            }
            catch (Exception rollback) when (rollback is LiteException or IOException or InvalidOperationException)
            {
                // A rollback after a refused write can fail in turn ("write lock may not be acquired ..."); the
                // first error is the one that says what happened.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex).Throw();
            }

            throw;
        }
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

    private T Write<T>(Func<LiteDatabase, T> work)
    {
        if (database is null)
        {
            throw new InvalidOperationException($"database {DatabasePath} was opened read-only");
        }

        T result;
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (failed is not null)
            {
                throw failed;
            }

            var before = sequence;
            try
            {
                result = InTransaction(database, work);
            }
            catch (Exception ex)
            {
                sequence = before;
                if (IoFailures.Translate(ex, DatabasePath) is { } plain)
                {
                    failed = plain;
                    throw plain;
                }

                if (IsDamage(ex))
                {
                    throw Damaged(ex);
                }

                throw;
            }
        }

        BackUpWhenDue();
        return result;
    }

    /// <summary>A backup every <see cref="ScoreStoreOptions.BackupInterval"/> of writing, after the write that passes it.</summary>
    private void BackUpWhenDue()
    {
        if (options.BackupInterval is { } interval && interval > TimeSpan.Zero && options.Clock.GetUtcNow() - lastBackup >= interval)
        {
            Backup();
        }
    }

    private T Read<T>(Func<LiteDatabase, ProcessIdentity?, T> work)
    {
        if (database is not null)
        {
            lock (gate)
            {
                ObjectDisposedException.ThrowIf(disposed, this);
                try
                {
                    return work(database, ProcessIdentity.Current);
                }
                catch (Exception ex) when (IsDamage(ex))
                {
                    throw Damaged(ex);
                }
            }
        }

        ObjectDisposedException.ThrowIf(disposed, this);
        for (var attempt = 1; ; attempt++)
        {
            ProcessIdentity? live = null;
            try
            {
                live = LiteDbFiles.ProbeLiveWriter(DatabasePath);
                using var view = DatabaseInspector.OpenView(DatabasePath);
                return work(view.Db, live);
            }
            catch (Exception ex) when (attempt < ReadAttempts && (IsTransient(ex) || (live is not null && ex is ScoreStoreException)))
            {
                // A checkpoint by the writer can move pages under a reader, or leave the data file mid-append (not
                // whole pages) for an instant; a fresh view sees the new state.
                Thread.Sleep(20 * attempt);
            }
            catch (Exception ex) when (IsTransient(ex))
            {
                throw ex is DatabaseDamagedException ? ex : Damaged(ex);
            }
        }
    }

    private static bool IsTransient(Exception ex) =>
        IsDamage(ex) || ex is IOException || (ex is ScoreStoreException s && s.InnerException is LiteException or IOException);

    /// <summary>What LiteDB and the decoders throw on bytes that are not what was written (never the machine refusing a write).</summary>
    internal static bool IsDamage(Exception ex) =>
        ex is LiteException or InvalidCastException or IndexOutOfRangeException or ArgumentOutOfRangeException or System.Text.DecoderFallbackException or EndOfStreamException
            or FormatException or InvalidDataException or OverflowException or NullReferenceException or NotSupportedException or DatabaseDamagedException
        && IoFailures.Translate(ex, string.Empty) is null;

    private DatabaseDamagedException Damaged(Exception ex) =>
        ex as DatabaseDamagedException ?? LiteDbIntegrity.Damaged(DatabasePath, LiteDbIntegrity.Describe(ex), ex);
}
