using System.Globalization;
using LiteDB;
using static ScheduleSearch.Storage.LiteDb.LiteDbDocuments;

namespace ScheduleSearch.Storage.LiteDb;

/// <summary>The history links and counters a write adds to searches, saved at the end of its transaction.</summary>
internal sealed class HistoryLinks
{
    private readonly ILiteCollection<BsonDocument> history;
    private readonly ILiteCollection<BsonDocument> searches;
    private readonly ILiteCollection<BsonDocument> meta;
    private readonly Dictionary<string, BsonDocument> touched = new(StringComparer.Ordinal);
    private readonly HashSet<string> pendingIds = new(StringComparer.Ordinal);
    private readonly List<BsonDocument> pending = [];

    public HistoryLinks(LiteDatabase db, IEnumerable<string> searchNames)
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
