using System.Globalization;
using System.Text;
using LiteDB;
using static ScheduleSearch.Storage.LiteDb.LiteDbDocuments;

namespace ScheduleSearch.Storage.LiteDb;

/// <summary>
/// The integrity check of a database file, read-only from start to end. <see cref="Check"/> is the full check that
/// <c>db check</c> prints and every writer runs before LiteDB may write (LiteDB replays its log and rewrites pages
/// when it opens a file for writing, so a damaged file must be refused before that): the header and page chain
/// (<see cref="LiteDbPages"/>), the schema record, every document of every collection decoded through LiteDB's
/// primary index, each evaluation against its checksum, the history through its own index, every history link
/// pointing at a stored evaluation and a stored search, each search's counters equal to its links, every reference
/// against its SHA-256. <see cref="CheckPages"/> is the quick part (header, page chain, schema) that readers run.
/// </summary>
public static class LiteDbIntegrity
{
    private const int MaxProblems = 20;

    /// <summary>Runs the full check; never throws for damage (it is reported), only for a missing file or cancellation.</summary>
    public static IntegrityReport Check(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        path = Path.GetFullPath(path);
        var problems = new List<string>();
        var counts = new Counts();
        if (CheckPages(path, problems, cancellationToken))
        {
            CheckDocuments(path, problems, counts, cancellationToken);
        }

        return new IntegrityReport
        {
            DatabasePath = path,
            Problems = problems.Count > MaxProblems ? [.. problems.Take(MaxProblems), $"and {problems.Count - MaxProblems} more"] : problems,
            Searches = counts.Searches,
            Evaluations = counts.Evaluations,
            HistoryLinks = counts.Links,
            References = counts.References,
            Models = counts.Models,
            Backup = LiteDbBackup.Describe(path),
        };
    }

    /// <summary>
    /// The full check, for a writer about to open the file: throws <see cref="DatabaseDamagedException"/> naming the
    /// first damage found, or the <see cref="ScoreStoreException"/> of a file that is not a ScheduleSearch database.
    /// </summary>
    public static void RequireIntact(string path, CancellationToken cancellationToken = default)
    {
        var report = Check(path, cancellationToken);
        if (!report.IsIntact)
        {
            throw Damaged(report.DatabasePath, report.Problems[0]);
        }
    }

    /// <summary>The error for damage <paramref name="what"/> in <paramref name="path"/>, with what to do.</summary>
    public static DatabaseDamagedException Damaged(string path, string what, Exception? cause = null) =>
        new(path, what, LiteDbBackup.Remedy(path), cause);

    /// <summary>
    /// The header and page chain (not the documents): what a reader checks on opening. Throws
    /// <see cref="DatabaseDamagedException"/> or, for a file that is not a ScheduleSearch database, <see cref="ScoreStoreException"/>.
    /// </summary>
    internal static void RequirePages(string path)
    {
        var problems = new List<string>();
        CheckPages(path, problems, CancellationToken.None);
        if (problems.Count > 0)
        {
            throw Damaged(path, problems[0]);
        }
    }

    /// <summary>A damage exception in words: LiteDB's and the decoders' messages said as what they mean.</summary>
    internal static string Describe(Exception ex) => ex switch
    {
        DatabaseDamagedException d => d.Damage,
        DecoderFallbackException => $"a stored document does not decode as text ({ex.Message})",
        InvalidDataException => ex.Message,
        LiteException => $"LiteDB cannot read its pages ({ex.Message})",
        _ => $"a stored document does not decode ({ex.GetType().Name}: {ex.Message})",
    };

    /// <summary>Header, page chain, schema; false when the documents cannot be read at all (damage already listed).</summary>
    private static bool CheckPages(string path, List<string> problems, CancellationToken cancellationToken)
    {
        // Throws ScoreStoreException for files that are not LiteDB databases at all (empty, text, other programs').
        DatabaseInspector.CheckHeader(path);
        using (var pages = LiteDbPages.Open(path))
        {
            problems.AddRange(pages.CheckChain(cancellationToken));
        }

        if (problems.Count > 0)
        {
            return false;
        }

        try
        {
            using var view = DatabaseInspector.OpenView(path);
            DatabaseInspector.CheckSchema(view.Db, path);
            return true;
        }
        catch (DatabaseDamagedException ex)
        {
            problems.Add(ex.Damage);
            return false;
        }
    }

    private static void CheckDocuments(string path, List<string> problems, Counts counts, CancellationToken cancellationToken)
    {
        using var view = DatabaseInspector.OpenView(path);
        var db = view.Db;
        var searches = new Dictionary<string, SearchRecord>(StringComparer.Ordinal);
        var statuses = new Dictionary<string, EvaluationStatus>(StringComparer.Ordinal);
        var now = DateTimeOffset.UtcNow;

        Step(problems, "the searches", () =>
        {
            var collection = db.GetCollection(Searches);
            var ids = new HashSet<string>(StringComparer.Ordinal);
            foreach (var doc in collection.FindAll())
            {
                cancellationToken.ThrowIfCancellationRequested();
                RequireFoundById(collection, doc, ids, "searches", problems);
                var search = ToSearch(doc, null, now, TimeSpan.FromMinutes(2));
                searches[search.Name] = search;
            }
        });
        Step(problems, "the evaluations", () =>
        {
            var collection = db.GetCollection(Evaluations);
            var ids = new HashSet<string>(StringComparer.Ordinal);
            foreach (var doc in collection.FindAll())
            {
                cancellationToken.ThrowIfCancellationRequested();
                RequireFoundById(collection, doc, ids, "evaluations", problems);
                var evaluation = ToEvaluation(doc);
                statuses[evaluation.Key] = evaluation.Status;
            }
        });
        counts.Searches = searches.Count;
        counts.Evaluations = statuses.Count;

        var links = new Dictionary<string, (int Links, int Cached, int Diverged)>(StringComparer.Ordinal);
        var byId = new HashSet<string>(StringComparer.Ordinal);
        var maxSequence = 0L;
        Step(problems, "the history", () =>
        {
            var collection = db.GetCollection(History);
            var ids = new HashSet<string>(StringComparer.Ordinal);
            foreach (var doc in collection.FindAll())
            {
                cancellationToken.ThrowIfCancellationRequested();
                RequireFoundById(collection, doc, ids, "history", problems);
                var (id, order, key, cached) = (doc["_id"].AsString, doc["order"].AsString, doc["key"].AsString, doc["cached"].AsBoolean);
                var cut = order.LastIndexOf(Separator);
                var search = cut < 0 ? null : order[..cut];
                if (search is null || id != search + Separator + key
                    || !long.TryParse(order.AsSpan(cut + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                {
                    problems.Add($"history link {Printable(id)} does not match its order field {Printable(order)}");
                    continue;
                }

                maxSequence = Math.Max(maxSequence, number);
                byId.Add(id);
                if (!searches.ContainsKey(search))
                {
                    problems.Add($"history link {Printable(id)} belongs to search '{search}', which is not stored");
                }

                if (!statuses.TryGetValue(key, out var status))
                {
                    problems.Add($"search '{search}' lists evaluation {key}, which is missing");
                    continue;
                }

                var (n, c, d) = links.GetValueOrDefault(search);
                links[search] = (n + 1, c + (cached ? 1 : 0), d + (status == EvaluationStatus.Ok ? 0 : 1));
            }
        });
        counts.Links = byId.Count;
        Step(problems, "the history's order index", () =>
        {
            var seen = 0;
            foreach (var doc in db.GetCollection(History).Find(Query.All("order")))
            {
                cancellationToken.ThrowIfCancellationRequested();
                seen++;
                if (!byId.Contains(doc["_id"].AsString))
                {
                    problems.Add($"the history's order index lists {Printable(doc["_id"].AsString)}, which its primary index does not");
                    return;
                }
            }

            if (seen != byId.Count)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"the history's order index lists {seen} links, its primary index {byId.Count}"));
            }
        });

        foreach (var search in searches.Values)
        {
            var (n, c, d) = links.GetValueOrDefault(search.Name);
            if (search.Evaluations != n || search.CacheHits != c || search.Diverged != d)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture,
                    $"search '{search.Name}' counts {search.Evaluations} evaluations, {search.CacheHits} cache hits, {search.Diverged} diverged, but its history holds {n}, {c}, {d}"));
            }
        }

        Step(problems, "the sequence counter", () =>
        {
            var stored = db.GetCollection(DatabaseInspector.MetaCollection).FindById("sequence")?["value"].AsInt64 ?? 0;
            if (stored < maxSequence)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"the sequence counter ({stored}) is behind the history ({maxSequence})"));
            }
        });
        Step(problems, "the models", () =>
        {
            var collection = db.GetCollection(Models);
            var ids = new HashSet<string>(StringComparer.Ordinal);
            foreach (var doc in collection.FindAll())
            {
                RequireFoundById(collection, doc, ids, "models", problems);
                _ = ToModel(doc);
                counts.Models++;
            }
        });
        Step(problems, "the references", () =>
        {
            var names = db.GetStorage<string>(ReferenceFiles, ReferenceChunks).FindAll().Select(f => f.Id).ToList();
            foreach (var name in names)
            {
                try
                {
                    _ = LiteDbScoreStore.ReadReference(db, path, name, cancellationToken);
                    counts.References++;
                }
                catch (ScoreStoreException ex)
                {
                    problems.Add($"reference '{name}' is unreadable ({(ex.InnerException ?? ex).Message})");
                }
            }
        });
    }

    /// <summary>
    /// LiteDB lists a collection by walking the lowest level of its primary index but finds one document by seeking
    /// through the levels above, comparing the keys the index nodes hold: a changed byte in a node's key leaves the
    /// walk whole and hides a document from every lookup (a search would silently miss a stored evaluation). So each
    /// document listed must also be found by its id, once, and be the same document.
    /// </summary>
    private static void RequireFoundById(ILiteCollection<BsonDocument> collection, BsonDocument doc, HashSet<string> ids, string what, List<string> problems)
    {
        var id = doc["_id"];
        var text = id.IsString ? Printable(id.AsString) : id.ToString();
        if (!ids.Add(text))
        {
            problems.Add($"the {what} index lists {text} twice");
        }
        else if (collection.FindById(id) is not { } found || found["_id"] != id)
        {
            problems.Add($"the {what} index does not find {text}, which it lists");
        }
    }

    /// <summary>Runs one part of the check; damage that stops it becomes a problem naming the part.</summary>
    private static void Step(List<string> problems, string part, Action check)
    {
        try
        {
            check();
        }
        catch (Exception ex) when (LiteDbScoreStore.IsDamage(ex) || ex is KeyNotFoundException or ArgumentException or IOException)
        {
            problems.Add($"{part} cannot be read: {Describe(ex)}");
        }
    }

    private static string Printable(string text) => text.Replace(Separator, '/');

    private sealed class Counts
    {
        public int Searches { get; set; }

        public int Evaluations { get; set; }

        public int Links { get; set; }

        public int References { get; set; }

        public int Models { get; set; }
    }
}
