using System.Globalization;
using LiteDB;
using static ScheduleSearch.Storage.LiteDb.LiteDbDocuments;

namespace ScheduleSearch.Storage.LiteDb;

/// <summary>
/// Copies everything still readable from a damaged database into a new one, reading its data pages directly
/// (<see cref="LiteDbPages"/>: no index, no header trusted). Each document is recognised by its fields, decoded, and
/// kept only when it decodes whole: evaluations must match their checksums, references their SHA-256. Histories keep
/// their order; a link whose evaluation or search was lost is dropped, an evaluation whose search survived but whose
/// link was lost is appended to that search's history. Searches left running are marked interrupted and their
/// counters are recounted from what was kept. The damaged file is only read.
/// </summary>
public static class LiteDbSalvage
{
    /// <summary>Salvages <paramref name="path"/> into <paramref name="target"/>, which must not exist yet.</summary>
    public static SalvageResult Salvage(string path, string target, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(target);
        path = Path.GetFullPath(path);
        target = Path.GetFullPath(target);
        if (File.Exists(target))
        {
            throw new ScoreStoreException($"salvage target {target} exists; name a new file");
        }

        if (string.Equals(path, target, StringComparison.Ordinal))
        {
            throw new ScoreStoreException($"salvage target {target} is the damaged file itself; name a new file");
        }

        var found = Read(path, cancellationToken);
        using (var store = LiteDbScoreStore.Open(target))
        {
            store.WriteSalvaged(db => Write(db, found));
        }

        return new SalvageResult
        {
            Target = target,
            Searches = found.Searches.Count,
            Evaluations = found.Evaluations.Count,
            HistoryLinks = found.Kept,
            References = found.References.Count,
            Models = found.Models.Count,
            Unreadable = found.Unreadable,
            DroppedLinks = found.Dropped,
        };
    }

    private static Found Read(string path, CancellationToken cancellationToken)
    {
        var found = new Found();
        var chunks = new Dictionary<(string File, int Index), byte[]>();
        var files = new List<BsonDocument>();
        using (var pages = LiteDbPages.Open(path))
        {
            foreach (var (_, doc) in pages.Documents(_ => found.Unreadable++, cancellationToken))
            {
                try
                {
                    Classify(doc, found, chunks, files);
                }
                catch (Exception ex) when (LiteDbScoreStore.IsDamage(ex) || ex is KeyNotFoundException or ArgumentException)
                {
                    found.Unreadable++;
                }
            }
        }

        foreach (var file in files)
        {
            if (Reassemble(file, chunks) is { } reference)
            {
                found.References[reference.Name] = reference;
            }
            else
            {
                found.Unreadable++;
            }
        }

        return found;
    }

    private static void Classify(BsonDocument doc, Found found, Dictionary<(string File, int Index), byte[]> chunks, List<BsonDocument> files)
    {
        if (doc.ContainsKey("schedule_key"))
        {
            var evaluation = ToEvaluation(doc);
            found.Evaluations.TryAdd(evaluation.Key, evaluation);
        }
        else if (doc.ContainsKey("spec") && doc.ContainsKey("heartbeat"))
        {
            var search = ToSearch(doc, null, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(2));
            if (!found.Searches.TryGetValue(search.Name, out var other) || other["updated"].AsInt64 < doc["updated"].AsInt64)
            {
                found.Searches[search.Name] = doc;
            }
        }
        else if (doc.ContainsKey("order") && doc.ContainsKey("key"))
        {
            found.Links.Add((doc["order"].AsString, doc["key"].AsString, doc["cached"].AsBoolean));
        }
        else if (doc.ContainsKey("card"))
        {
            var model = ToModel(doc);
            found.Models[model.ContentHash] = model;
        }
        else if (doc["_id"].IsDocument && doc.ContainsKey("data"))
        {
            chunks[(doc["_id"]["f"].AsString, doc["_id"]["n"].AsInt32)] = doc["data"].AsBinary;
        }
        else if (doc.ContainsKey("chunks") && doc.ContainsKey("metadata"))
        {
            files.Add(doc);
        }
    }

    private static ReferenceArray? Reassemble(BsonDocument file, Dictionary<(string File, int Index), byte[]> chunks)
    {
        try
        {
            var name = file["_id"].AsString;
            var metadata = file["metadata"].AsDocument;
            var count = metadata["count"].AsInt32;
            using var bytes = new MemoryStream();
            for (var i = 0; i < file["chunks"].AsInt32; i++)
            {
                if (!chunks.TryGetValue((name, i), out var chunk))
                {
                    return null;
                }

                bytes.Write(chunk);
            }

            var data = bytes.ToArray();
            if (data.Length != count * sizeof(double) || Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(data)) != metadata["sha256"].AsString)
            {
                return null;
            }

            var values = new double[count];
            Buffer.BlockCopy(data, 0, values, 0, data.Length);
            return new ReferenceArray
            {
                Name = name,
                Shape = Shape(metadata),
                Data = [.. values],
                Accuracy = metadata["accuracy"].IsNull ? null : metadata["accuracy"].AsDouble,
                Created = Time(metadata["created"]),
                DescriptionJson = metadata["description"].IsNull ? null : metadata["description"].AsString,
            };
        }
        catch (Exception ex) when (LiteDbScoreStore.IsDamage(ex) || ex is KeyNotFoundException or ArgumentException)
        {
            return null;
        }
    }

    private static int Write(LiteDatabase db, Found found)
    {
        db.GetCollection(Evaluations).InsertBulk(found.Evaluations.Values.Select(ToDocument));
        db.GetCollection(Models).InsertBulk(found.Models.Values.Select(ToDocument));
        var storage = db.GetStorage<string>(ReferenceFiles, ReferenceChunks);
        foreach (var reference in found.References.Values)
        {
            var bytes = new byte[reference.Data.Length * sizeof(double)];
            Buffer.BlockCopy(reference.Data.ToArray(), 0, bytes, 0, bytes.Length);
            using var stream = new MemoryStream(bytes, writable: false);
            storage.Upload(reference.Name, reference.Name + ".f64", stream,
                ReferenceMetadata(reference, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))));
        }

        // Each search's links in their old order, then its evaluations whose link was lost.
        var ordered = new Dictionary<string, List<(string Key, bool Cached)>>(StringComparer.Ordinal);
        foreach (var (order, key, cached) in found.Links.OrderBy(l => l.Order, StringComparer.Ordinal))
        {
            var search = order[..Math.Max(order.LastIndexOf(Separator), 0)];
            if (!found.Searches.ContainsKey(search) || !found.Evaluations.ContainsKey(key))
            {
                found.Dropped++;
                continue;
            }

            var list = ordered.TryGetValue(search, out var l) ? l : ordered[search] = [];
            if (!list.Exists(x => x.Key == key))
            {
                list.Add((key, cached));
            }
        }

        foreach (var evaluation in found.Evaluations.Values.OrderBy(e => e.Created).ThenBy(e => e.Key, StringComparer.Ordinal))
        {
            foreach (var search in evaluation.SearchNames.Where(found.Searches.ContainsKey))
            {
                var list = ordered.TryGetValue(search, out var l) ? l : ordered[search] = [];
                if (!list.Exists(x => x.Key == evaluation.Key))
                {
                    list.Add((evaluation.Key, false));
                }
            }
        }

        var sequence = 0L;
        var history = new List<BsonDocument>();
        var searches = db.GetCollection(Searches);
        foreach (var (name, doc) in found.Searches)
        {
            var list = ordered.GetValueOrDefault(name) ?? [];
            foreach (var (key, cached) in list)
            {
                sequence++;
                history.Add(new BsonDocument
                {
                    ["_id"] = name + Separator + key,
                    ["order"] = name + Separator + sequence.ToString("D19", CultureInfo.InvariantCulture),
                    ["key"] = key,
                    ["cached"] = cached,
                });
            }

            if (doc["status"].AsString == Name(SearchStatus.Running))
            {
                doc["status"] = Name(SearchStatus.Interrupted);
            }

            doc["evaluations"] = list.Count;
            doc["cache_hits"] = list.Count(x => x.Cached);
            doc["diverged"] = list.Count(x => found.Evaluations[x.Key].Status != EvaluationStatus.Ok);
            searches.Insert(doc);
            found.Kept += list.Count;
        }

        db.GetCollection(History).InsertBulk(history);
        db.GetCollection(DatabaseInspector.MetaCollection).Upsert(new BsonDocument { ["_id"] = "sequence", ["value"] = sequence });
        return history.Count;
    }

    private sealed class Found
    {
        public Dictionary<string, EvaluationRecord> Evaluations { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, BsonDocument> Searches { get; } = new(StringComparer.Ordinal);

        public List<(string Order, string Key, bool Cached)> Links { get; } = [];

        public Dictionary<string, ModelRecord> Models { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, ReferenceArray> References { get; } = new(StringComparer.Ordinal);

        public int Unreadable { get; set; }

        public int Dropped { get; set; }

        public int Kept { get; set; }
    }
}
