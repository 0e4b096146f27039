using System.Globalization;
using LiteDB;
using static ScheduleSearch.Storage.LiteDb.LiteDbDocuments;

namespace ScheduleSearch.Storage.LiteDb;

/// <summary>Opening a file as its writer or a reader, each after the read-only integrity check; creating a new one.</summary>
public sealed partial class LiteDbScoreStore
{
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

            // LiteDB checkpoints by itself every 8 MB of log, under readers' feet: this store checkpoints instead
            // (every CheckpointPages of log, at backups and on closing), each time past the CheckpointGate.
            db.CheckpointSize = 0;
            CheckpointGate.Create(path);
            LiteDbBackup.RemoveLeftovers(path);
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
            catch (Exception ex) when (attempt < ReadAttempts && (ex is ScoreStoreException || IsTransient(ex)) && LiteDbFiles.ProbeLiveWriter(path) is not null)
            {
                // A checkpoint in progress (one that went on after waiting for readers) can show a reader pages in
                // motion for an instant, as damage or as a read past the end.
                Thread.Sleep(20 * attempt);
            }
            catch (Exception ex) when (IsDamage(ex) && ex is not ScoreStoreException)
            {
                throw LiteDbIntegrity.Damaged(path, LiteDbIntegrity.Describe(ex), ex);
            }
        }

        return new LiteDbScoreStore(path, options ?? ScoreStoreOptions.Default, null, null);
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
}
