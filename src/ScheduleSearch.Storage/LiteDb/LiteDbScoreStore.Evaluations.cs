using LiteDB;
using static ScheduleSearch.Storage.LiteDb.LiteDbDocuments;

namespace ScheduleSearch.Storage.LiteDb;

/// <summary>The evaluations and each search's history of them.</summary>
public sealed partial class LiteDbScoreStore
{
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
            var links = new HistoryLinks(db, records.SelectMany(r => r.SearchNames));
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
            var links = new HistoryLinks(db, [searchName]);
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
            var doc = evaluations.FindById(link["key"]) ?? throw LiteDbIntegrity.Damaged(DatabasePath, $"search '{searchName}' lists evaluation {link["key"].AsString}, which is missing");
            result.Add(ToEvaluation(doc));
        }

        return (IReadOnlyList<EvaluationRecord>)result;
    });

    /// <inheritdoc />
    public int CountSearchEvaluations(string searchName) => Read((db, _) =>
        db.GetCollection(Searches).FindById(searchName)?["evaluations"].AsInt32 ?? 0);

    /// <inheritdoc />
    public long CountEvaluations() => Read((db, _) => db.GetCollection(Evaluations).LongCount());
}
