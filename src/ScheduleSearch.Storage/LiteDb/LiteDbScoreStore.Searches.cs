using LiteDB;
using static ScheduleSearch.Storage.LiteDb.LiteDbDocuments;

namespace ScheduleSearch.Storage.LiteDb;

/// <summary>The searches: begin, heartbeat, end, read.</summary>
public sealed partial class LiteDbScoreStore
{
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
}
