using System.Globalization;
using System.Text;
using LiteDB;
using LiteDB.Engine;

namespace ScheduleSearch.Storage.LiteDb;

/// <summary>
/// Opens a database for reading through <see cref="ReadOnlyPageView"/>s and checks, before anything may write to
/// it, that it is a ScheduleSearch database of a schema this program reads. Every refusal names the file and
/// leaves every file as it was.
/// </summary>
internal static class DatabaseInspector
{
    /// <summary>The schema this program writes and reads.</summary>
    public const int SchemaVersion = 1;

    /// <summary>How long a reader waits for a live writer's checkpoint to end (a long one rewrites 80 MB) before it reads anyway and relies on its retries.</summary>
    private static readonly TimeSpan ReaderGateWait = TimeSpan.FromSeconds(30);

    /// <summary>The application tag in the schema record.</summary>
    public const string App = "schedule-search";

    /// <summary>The collection holding the schema record and counters.</summary>
    public const string MetaCollection = "meta";

    private const string LiteDbHeader = "** This is a LiteDB file **";
    private const int HeaderInfoOffset = 32;
    private const int FileVersionOffset = 59;
    private const byte FileVersion = 8;

    /// <summary>Checks the header bytes of an existing file without LiteDB.</summary>
    public static void CheckHeader(string path)
    {
        var length = new FileInfo(path).Length;
        if (length == 0)
        {
            throw new ScoreStoreException($"database {path} is an empty file, not a ScheduleSearch database; delete it or choose another path");
        }

        if (length > LiteDbFiles.PageSize && length % LiteDbFiles.PageSize != 0 && HasLiteDbHeader(path))
        {
            throw LiteDbIntegrity.Damaged(path, string.Create(CultureInfo.InvariantCulture,
                $"it is {length} bytes, not a whole number of {LiteDbFiles.PageSize}-byte pages: the file was truncated or a write was cut short"));
        }

        if (length < LiteDbFiles.PageSize || length % LiteDbFiles.PageSize != 0)
        {
            throw new ScoreStoreException(string.Create(CultureInfo.InvariantCulture,
                $"database {path} is not a ScheduleSearch database (its size, {length} bytes, is not a whole number of LiteDB pages): it is another kind of file or was truncated"));
        }

        var header = new byte[LiteDbFiles.PageSize];
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            stream.ReadExactly(header);
        }

        if (header[0] == 1)
        {
            throw new ScoreStoreException($"database {path} is an encrypted LiteDB file, not a ScheduleSearch database");
        }

        var info = Encoding.ASCII.GetString(header, HeaderInfoOffset, LiteDbHeader.Length);
        if (info != LiteDbHeader || header[FileVersionOffset] != FileVersion)
        {
            throw new ScoreStoreException($"database {path} is not a ScheduleSearch database (no LiteDB 5 header): it is another kind of file or is corrupt");
        }
    }

    private static bool HasLiteDbHeader(string path)
    {
        var header = new byte[LiteDbFiles.PageSize];
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            stream.ReadExactly(header);
        }

        return Encoding.ASCII.GetString(header, HeaderInfoOffset, LiteDbHeader.Length) == LiteDbHeader && header[FileVersionOffset] == FileVersion;
    }

    /// <summary>
    /// Opens the database read-only over views of its data and log files; the caller disposes the returned
    /// view, which holds the <see cref="CheckpointGate"/> until then (a live writer checkpoints only between
    /// views). LiteDB errors become a <see cref="ScoreStoreException"/> naming the file.
    /// </summary>
    public static DatabaseView OpenView(string path) => OpenView(path, CheckpointGate.EnterRead(path, ReaderGateWait));

    private static DatabaseView OpenView(string path, IDisposable? checkpointGate)
    {
        try
        {
            CheckHeader(path);
            var data = ReadOnlyPageView.Open(path);
            var log = ReadOnlyPageView.Open(LiteDbFiles.LogPath(path));
            try
            {
                var engine = new LiteEngine(new EngineSettings { DataStream = data, LogStream = log, ReadOnly = true, AutoRebuild = false });
                return new DatabaseView(new LiteDatabase(engine), data, log, checkpointGate);
            }
            catch (Exception ex) when (ex is LiteException or InvalidCastException or IndexOutOfRangeException or ArgumentException or InvalidOperationException or FormatException or InvalidDataException or OverflowException or EndOfStreamException or NotSupportedException)
            {
                data.Dispose();
                log.Dispose();
                throw Corrupt(path, ex);
            }
        }
        catch
        {
            checkpointGate?.Dispose();
            throw;
        }
    }

    /// <summary>Checks the schema record; returns normally only for a ScheduleSearch database of a known schema.</summary>
    public static void CheckSchema(LiteDatabase db, string path)
    {
        BsonDocument? schema;
        try
        {
            schema = db.CollectionExists(MetaCollection) ? db.GetCollection(MetaCollection).FindById("schema") : null;
        }
        catch (Exception ex) when (ex is LiteException or InvalidCastException or IndexOutOfRangeException or ArgumentException or InvalidOperationException or FormatException or InvalidDataException or OverflowException or EndOfStreamException or NotSupportedException)
        {
            throw Corrupt(path, ex);
        }

        if (schema is null || schema["app"] != App)
        {
            throw new ScoreStoreException($"database {path} is a LiteDB database but not a ScheduleSearch one (it has no schedule-search schema record); choose another path");
        }

        var version = schema["version"].IsInt32 ? schema["version"].AsInt32 : -1;
        if (version > SchemaVersion)
        {
            throw new ScoreStoreException(string.Create(CultureInfo.InvariantCulture,
                $"database {path} has schema version {version}, newer than this program's {SchemaVersion}; open it with a newer schedule-search"));
        }

        if (version < 1)
        {
            throw LiteDbIntegrity.Damaged(path, $"its schema record is invalid (version {schema["version"]})");
        }
    }

    /// <summary>Inspects an existing file for a reader: header, page chain, readability, schema.</summary>
    public static void Inspect(string path)
    {
        var checkpointGate = CheckpointGate.EnterRead(path, ReaderGateWait);
        try
        {
            LiteDbIntegrity.RequirePages(path);
        }
        catch
        {
            checkpointGate?.Dispose();
            throw;
        }

        using var view = OpenView(path, checkpointGate);
        CheckSchema(view.Db, path);
    }

    /// <summary>The error for a file LiteDB cannot read.</summary>
    public static DatabaseDamagedException Corrupt(string path, Exception ex) =>
        LiteDbIntegrity.Damaged(path, LiteDbIntegrity.Describe(ex), ex);
}
