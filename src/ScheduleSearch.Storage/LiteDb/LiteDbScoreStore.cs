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
/// everything committed until then. Both check the file first: a foreign, corrupt or newer database is refused
/// with a <see cref="ScoreStoreException"/> naming it, and nothing on disk is changed.
/// </summary>
public sealed class LiteDbScoreStore : IScoreStore
{
    private const int ReadAttempts = 5;
    private readonly Lock gate = new();
    private readonly ScoreStoreOptions options;
    private readonly LiteDatabase? database;
    private readonly WriterLock? writerLock;
    private readonly HashSet<string> begun = new(StringComparer.Ordinal);
    private long sequence;
    private bool disposed;

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
        if (File.Exists(path))
        {
            DatabaseInspector.Inspect(path);
        }
        else
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        }

        var writerLock = WriterLock.Acquire(path, options.LockWait, options.Clock);
        try
        {
            if (!File.Exists(path))
            {
                Create(path, options.Clock.GetUtcNow());
            }

            var db = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct, Upgrade = false })
            {
                // Checkpoint every 80 MB of log instead of 8 MB: each checkpoint rewrites the logged pages into the data file.
                CheckpointSize = 10_000,
            };
            try
            {
                DatabaseInspector.CheckSchema(db, path);
                EnsureIndexes(db);
                return new LiteDbScoreStore(path, options, db, writerLock);
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

        DatabaseInspector.Inspect(path);
        return new LiteDbScoreStore(path, options ?? ScoreStoreOptions.Default, null, null);
    }

    /// <inheritdoc />
    public SearchRecord BeginSearch(string name, string specJson, string? keyContextJson = null)
    {
        CheckName(name);
        ArgumentNullException.ThrowIfNull(specJson);
        return Write(db =>
        {
            var searches = db.GetCollection(Searches);
            var now = options.Clock.GetUtcNow();
            var doc = searches.FindById(name);
            if (doc is null)
            {
                doc = new BsonDocument
                {
                    ["_id"] = name, ["spec"] = specJson, ["created"] = Time(now),
                    ["evaluations"] = 0, ["cache_hits"] = 0, ["diverged"] = 0,
                };
            }
            else if (doc["spec"].AsString != specJson)
            {
                throw new ScoreStoreException($"search '{name}' exists in {DatabasePath} with another spec; choose another name to start a new search");
            }

            if (keyContextJson is not null)
            {
                doc["key_context"] = keyContextJson;
            }

            doc["status"] = Name(SearchStatus.Running);
            doc["pid"] = ProcessIdentity.Current.ProcessId;
            doc["host"] = ProcessIdentity.Current.HostName;
            doc["updated"] = Time(now);
            doc["heartbeat"] = Time(now);
            searches.Upsert(doc);
            begun.Add(name);
            return ToSearch(doc, ProcessIdentity.Current, now, options.HeartbeatTimeout);
        });
    }

    /// <inheritdoc />
    public void Heartbeat(string name) => Write(db =>
    {
        var searches = db.GetCollection(Searches);
        var doc = searches.FindById(name) ?? throw new KeyNotFoundException($"search '{name}' does not exist; begin it first");
        doc["heartbeat"] = Time(options.Clock.GetUtcNow());
        return searches.Update(doc);
    });

    /// <inheritdoc />
    public void EndSearch(string name, SearchStatus status)
    {
        SearchStatusRule.CheckFinal(status);
        Write(db =>
        {
            var searches = db.GetCollection(Searches);
            var doc = searches.FindById(name) ?? throw new KeyNotFoundException($"search '{name}' does not exist; begin it first");
            doc["status"] = Name(status);
            doc["updated"] = Time(options.Clock.GetUtcNow());
            begun.Remove(name);
            return searches.Update(doc);
        });
    }

    /// <inheritdoc />
    public SearchRecord? GetSearch(string name) => Read((db, live) =>
        db.GetCollection(Searches).FindById(name) is { } doc ? ToSearch(doc, LiveFor(name, live), options.Clock.GetUtcNow(), options.HeartbeatTimeout) : null);

    /// <inheritdoc />
    public IReadOnlyList<SearchRecord> ListSearches(CancellationToken cancellationToken = default) => Read((db, live) =>
    {
        var now = options.Clock.GetUtcNow();
        return (IReadOnlyList<SearchRecord>)[.. db.GetCollection(Searches).FindAll()
            .Select(d => ToSearch(d, LiveFor(d["_id"].AsString, live), now, options.HeartbeatTimeout))
            .OrderBy(s => s.Created).ThenBy(s => s.Name, StringComparer.Ordinal)];
    });

    /// <inheritdoc />
    public EvaluationRecord? GetEvaluation(string key) => Read((db, _) =>
        db.GetCollection(Evaluations).FindById(key) is { } doc ? ToEvaluation(doc) : null);

    /// <inheritdoc />
    public IReadOnlyDictionary<string, EvaluationRecord> GetEvaluations(IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var list = keys.ToList();
        return Read((db, _) =>
        {
            var evaluations = db.GetCollection(Evaluations);
            var found = new Dictionary<string, EvaluationRecord>(StringComparer.Ordinal);
            foreach (var key in list)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!found.ContainsKey(key) && evaluations.FindById(key) is { } doc)
                {
                    found[key] = ToEvaluation(doc);
                }
            }

            return (IReadOnlyDictionary<string, EvaluationRecord>)found;
        });
    }

    /// <inheritdoc />
    public int AddEvaluations(IReadOnlyList<EvaluationRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (var record in records)
        {
            SearchStatusRule.CheckRecord(record);
        }

        return Write(db =>
        {
            var evaluations = db.GetCollection(Evaluations);
            var links = new Links(db, records.SelectMany(r => r.SearchNames));
            var fresh = new Dictionary<string, EvaluationRecord>(StringComparer.Ordinal);
            var documents = new List<BsonDocument>(records.Count);
            foreach (var record in records)
            {
                cancellationToken.ThrowIfCancellationRequested();
                EvaluationStatus status;
                bool cached;
                if (fresh.TryGetValue(record.Key, out var first))
                {
                    (status, cached) = (first.Status, true);
                }
                else if (evaluations.FindById(record.Key) is { } stored)
                {
                    (status, cached) = (EvaluationStatusOf(stored["status"].AsString), true);
                }
                else
                {
                    fresh.Add(record.Key, record);
                    documents.Add(ToDocument(record));
                    (status, cached) = (record.Status, false);
                }

                foreach (var searchName in record.SearchNames)
                {
                    links.Add(searchName, record.Key, cached, status, ref sequence);
                }
            }

            evaluations.InsertBulk(documents, documents.Count + 1);
            var added = documents.Count;
            links.Save(sequence);
            return added;
        });
    }

    /// <inheritdoc />
    public int AddCacheHits(string searchName, IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var list = keys.ToList();
        return Write(db =>
        {
            var evaluations = db.GetCollection(Evaluations);
            var links = new Links(db, [searchName]);
            var appended = 0;
            foreach (var key in list)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var stored = evaluations.FindById(key) ?? throw new KeyNotFoundException($"evaluation {key} is not stored; store it with AddEvaluations");
                appended += links.Add(searchName, key, cached: true, EvaluationStatusOf(stored["status"].AsString), ref sequence) ? 1 : 0;
            }

            links.Save(sequence);
            return appended;
        });
    }

    /// <inheritdoc />
    public IReadOnlyList<EvaluationRecord> GetSearchEvaluations(string searchName, CancellationToken cancellationToken = default) => Read((db, _) =>
    {
        var evaluations = db.GetCollection(Evaluations);
        var prefix = searchName + Separator;
        var result = new List<EvaluationRecord>();
        foreach (var link in db.GetCollection(History).Find(Query.Between("order", prefix, prefix + '\uffff')))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var doc = evaluations.FindById(link["key"]) ?? throw new ScoreStoreException($"database {DatabasePath}: search '{searchName}' lists evaluation {link["key"].AsString}, which is missing; the file is corrupt");
            result.Add(ToEvaluation(doc));
        }

        return (IReadOnlyList<EvaluationRecord>)result;
    });

    /// <inheritdoc />
    public int CountSearchEvaluations(string searchName) => Read((db, _) =>
        db.GetCollection(Searches).FindById(searchName)?["evaluations"].AsInt32 ?? 0);

    /// <inheritdoc />
    public long CountEvaluations() => Read((db, _) => db.GetCollection(Evaluations).LongCount());

    /// <inheritdoc />
    public bool AddReference(ReferenceArray reference, CancellationToken cancellationToken = default)
    {
        SearchStatusRule.CheckReference(reference);
        var bytes = ToBytes(reference.Data.AsSpan());
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        cancellationToken.ThrowIfCancellationRequested();
        return Write(db =>
        {
            var storage = db.GetStorage<string>(ReferenceFiles, ReferenceChunks);
            if (storage.Exists(reference.Name))
            {
                return false;
            }

            using var stream = new MemoryStream(bytes, writable: false);
            storage.Upload(reference.Name, reference.Name + ".f64", stream, ReferenceMetadata(reference, sha));
            return true;
        });
    }

    /// <inheritdoc />
    public ReferenceArray? GetReference(string name, CancellationToken cancellationToken = default) => Read((db, _) =>
    {
        var storage = db.GetStorage<string>(ReferenceFiles, ReferenceChunks);
        var file = storage.FindById(name);
        if (file is null)
        {
            return null;
        }

        try
        {
            var metadata = file.Metadata;
            var count = metadata["count"].AsInt32;
            var bytes = new byte[checked(count * sizeof(double))];
            using var stream = file.OpenRead();
            var read = 0;
            while (read < bytes.Length)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var n = stream.Read(bytes, read, bytes.Length - read);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            if (read != bytes.Length || stream.ReadByte() != -1)
            {
                throw Unreadable(name, string.Create(CultureInfo.InvariantCulture, $"its data holds {(read == bytes.Length ? "more than" : read)} bytes, {bytes.Length} expected"));
            }

            if (Convert.ToHexStringLower(SHA256.HashData(bytes)) != metadata["sha256"].AsString)
            {
                throw Unreadable(name, "its data does not match the SHA-256 stored with it");
            }

            return new ReferenceArray
            {
                Name = name,
                Shape = Shape(metadata),
                Data = ImmutableArray.Create(MemoryMarshal.Cast<byte, double>(bytes)),
                Accuracy = metadata["accuracy"].IsNull ? null : metadata["accuracy"].AsDouble,
                Created = Time(metadata["created"]),
                DescriptionJson = metadata["description"].IsNull ? null : metadata["description"].AsString,
            };
        }
        catch (Exception ex) when (ex is LiteException or InvalidCastException or NullReferenceException or IOException or OverflowException or KeyNotFoundException)
        {
            throw Unreadable(name, ex.Message, ex);
        }
    });

    /// <inheritdoc />
    public void SaveModel(ModelRecord model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Write(db => db.GetCollection(Models).Upsert(ToDocument(model)));
    }

    /// <inheritdoc />
    public ModelRecord? GetModel(string contentHash) => Read((db, _) =>
        db.GetCollection(Models).FindById(contentHash) is { } doc ? ToModel(doc) : null);

    /// <inheritdoc />
    public IReadOnlyList<ModelRecord> ListModels() => Read((db, _) =>
        (IReadOnlyList<ModelRecord>)[.. db.GetCollection(Models).FindAll().Select(ToModel)]);

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
                if (begun.Count > 0)
                {
                    InTransaction(database, db =>
                    {
                        var searches = db.GetCollection(Searches);
                        foreach (var doc in begun.Select(n => searches.FindById(n)).OfType<BsonDocument>().Where(d => d["status"] == Name(SearchStatus.Running)))
                        {
                            doc["status"] = Name(SearchStatus.Interrupted);
                            doc["updated"] = Time(options.Clock.GetUtcNow());
                            searches.Update(doc);
                        }

                        return 0;
                    });
                }

                database.Checkpoint();
            }
            finally
            {
                try
                {
                    database.Dispose();
                }
                finally
                {
                    writerLock?.Dispose();
                }
            }
        }
    }

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
        catch
        {
            db.Rollback();
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

    private ScoreStoreException Unreadable(string name, string why, Exception? inner = null) =>
        inner is null
            ? new ScoreStoreException($"reference '{name}' in {DatabasePath} is unreadable: {why}; delete the database or recompute the reference into a new one")
            : new ScoreStoreException($"reference '{name}' in {DatabasePath} is unreadable: {why}; delete the database or recompute the reference into a new one", inner);

    private T Write<T>(Func<LiteDatabase, T> work)
    {
        if (database is null)
        {
            throw new InvalidOperationException($"database {DatabasePath} was opened read-only");
        }

        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            var before = sequence;
            try
            {
                return InTransaction(database, work);
            }
            catch
            {
                sequence = before;
                throw;
            }
        }
    }

    private T Read<T>(Func<LiteDatabase, ProcessIdentity?, T> work)
    {
        if (database is not null)
        {
            lock (gate)
            {
                ObjectDisposedException.ThrowIf(disposed, this);
                return work(database, ProcessIdentity.Current);
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
                throw DatabaseInspector.Corrupt(DatabasePath, ex);
            }
        }
    }

    private static bool IsTransient(Exception ex) =>
        ex is LiteException or IOException or InvalidCastException or IndexOutOfRangeException or ArgumentOutOfRangeException
        || (ex is ScoreStoreException s && s.InnerException is LiteException or IOException);

    /// <summary>The history links and counters a write adds to searches, saved at the end of its transaction.</summary>
    private sealed class Links
    {
        private readonly ILiteCollection<BsonDocument> history;
        private readonly ILiteCollection<BsonDocument> searches;
        private readonly ILiteCollection<BsonDocument> meta;
        private readonly Dictionary<string, BsonDocument> touched = new(StringComparer.Ordinal);
        private readonly HashSet<string> pendingIds = new(StringComparer.Ordinal);
        private readonly List<BsonDocument> pending = [];

        public Links(LiteDatabase db, IEnumerable<string> searchNames)
        {
            history = db.GetCollection(History);
            searches = db.GetCollection(Searches);
            meta = db.GetCollection(DatabaseInspector.MetaCollection);
            foreach (var name in searchNames)
            {
                if (!touched.ContainsKey(name))
                {
                    touched[name] = searches.FindById(name)
                        ?? throw new KeyNotFoundException($"search '{name}' does not exist; begin it before storing its evaluations");
                }
            }
        }

        public bool Add(string searchName, string key, bool cached, EvaluationStatus status, ref long sequence)
        {
            var id = searchName + Separator + key;

            // A link only ever points at a stored evaluation, so an evaluation inserted in this batch has none yet:
            // the index lookup is needed only for evaluations that were already stored.
            if (pendingIds.Contains(id) || (cached && history.FindById(id) is not null))
            {
                return false;
            }

            sequence++;
            pendingIds.Add(id);
            pending.Add(new BsonDocument
            {
                ["_id"] = id,
                ["order"] = searchName + Separator + sequence.ToString("D19", CultureInfo.InvariantCulture),
                ["key"] = key,
                ["cached"] = cached,
            });
            var search = touched[searchName];
            search["evaluations"] = search["evaluations"].AsInt32 + 1;
            search["cache_hits"] = search["cache_hits"].AsInt32 + (cached ? 1 : 0);
            search["diverged"] = search["diverged"].AsInt32 + (status == EvaluationStatus.Ok ? 0 : 1);
            return true;
        }

        public void Save(long sequence)
        {
            history.InsertBulk(pending, pending.Count + 1);
            foreach (var search in touched.Values)
            {
                searches.Update(search);
            }

            meta.Upsert(new BsonDocument { ["_id"] = "sequence", ["value"] = sequence });
        }
    }
}
