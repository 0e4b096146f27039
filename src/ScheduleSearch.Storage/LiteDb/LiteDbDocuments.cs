using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using LiteDB;

namespace ScheduleSearch.Storage.LiteDb;

/// <summary>
/// Maps records to LiteDB documents by hand (no reflection mapper: fast, and the stored field names are the
/// schema). Times are stored as UTC ticks (Int64): LiteDB's own dates lose sub-millisecond precision and come back in local time.
/// Each evaluation carries "sum", a SHA-256 prefix of its fields: LiteDB pages have no checksum, so without it a flipped
/// bit in a stored score would read back as a different, valid-looking score.
/// </summary>
internal static class LiteDbDocuments
{
    public const string Searches = "searches";
    public const string Evaluations = "evaluations";
    public const string History = "history";
    public const string Models = "models";
    public const string ReferenceFiles = "ref_files";
    public const string ReferenceChunks = "ref_chunks";

    /// <summary>Separates a search name from a sequence number or key in history ids (control characters are not allowed in names).</summary>
    public const char Separator = '\u001f';

    public static BsonValue Time(DateTimeOffset time) => new BsonValue(time.UtcTicks);

    public static DateTimeOffset Time(BsonValue value) => new(value.AsInt64, TimeSpan.Zero);

    public static string Name(SearchStatus status) => status switch
    {
        SearchStatus.Running => "running",
        SearchStatus.Finished => "finished",
        SearchStatus.Interrupted => "interrupted",
        SearchStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "unknown search status"),
    };

    public static SearchStatus SearchStatusOf(string name) => name switch
    {
        "running" => SearchStatus.Running,
        "finished" => SearchStatus.Finished,
        "interrupted" => SearchStatus.Interrupted,
        "failed" => SearchStatus.Failed,
        _ => throw new FormatException($"unknown search status \"{name}\""),
    };

    public static string Name(EvaluationStatus status) => status switch
    {
        EvaluationStatus.Ok => "ok",
        EvaluationStatus.Diverged => "diverged",
        EvaluationStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "unknown evaluation status"),
    };

    public static EvaluationStatus EvaluationStatusOf(string name) => name switch
    {
        "ok" => EvaluationStatus.Ok,
        "diverged" => EvaluationStatus.Diverged,
        "failed" => EvaluationStatus.Failed,
        _ => throw new FormatException($"unknown evaluation status \"{name}\""),
    };

    public static BsonDocument ToDocument(EvaluationRecord r)
    {
        var document = new BsonDocument
        {
            ["_id"] = r.Key,
            ["schedule_key"] = r.ScheduleKey,
            ["schedule"] = r.ScheduleJson,
            ["nfe"] = r.Nfe,
            ["metric"] = r.Metric,
            ["score"] = r.Score,
            ["heldout"] = r.HeldOutScore is { } h ? new BsonValue(h) : BsonValue.Null,
            ["fidelity"] = r.Fidelity,
            ["status"] = Name(r.Status),
            ["duration"] = r.Duration.Ticks,
            ["searches"] = new BsonArray(r.SearchNames.Select(n => new BsonValue(n))),
            ["generation"] = r.Generation,
            ["created"] = Time(r.Created),
            ["details"] = r.DetailsJson is null ? BsonValue.Null : new BsonValue(r.DetailsJson),
            ["sum"] = Checksum(r),
        };

        // Written only when known, so a record without one is stored (and checksummed) as before the field existed.
        if (r.Generator is { } generator)
        {
            document["generator"] = generator;
        }

        return document;
    }

    /// <summary>
    /// The evaluation in <paramref name="d"/>; throws <see cref="InvalidDataException"/> when it does not match its
    /// checksum (documents written before checksums existed have none and are read as they are).
    /// </summary>
    public static EvaluationRecord ToEvaluation(BsonDocument d)
    {
        var record = ToEvaluationUnchecked(d);
        if (d.TryGetValue("sum", out var sum) && !sum.IsNull && sum.AsString != Checksum(record))
        {
            throw new InvalidDataException($"evaluation {record.Key} does not match its checksum (a changed byte in its score, schedule or fields)");
        }

        return record;
    }

    /// <summary>The checksum of an evaluation: 16 hex digits of SHA-256 over every field, in a fixed order.</summary>
    public static string Checksum(EvaluationRecord r)
    {
        var text = string.Join('\u001f',
            r.Key, r.ScheduleKey, r.ScheduleJson, r.Nfe.ToString(CultureInfo.InvariantCulture), r.Metric,
            BitConverter.DoubleToInt64Bits(r.Score).ToString(CultureInfo.InvariantCulture),
            r.HeldOutScore is { } h ? BitConverter.DoubleToInt64Bits(h).ToString(CultureInfo.InvariantCulture) : "-",
            r.Fidelity.ToString(CultureInfo.InvariantCulture), Name(r.Status), r.Duration.Ticks.ToString(CultureInfo.InvariantCulture),
            string.Join('\u001e', r.SearchNames), r.Generation.ToString(CultureInfo.InvariantCulture),
            r.Created.UtcTicks.ToString(CultureInfo.InvariantCulture), r.DetailsJson ?? "\u0000");

        // The generator joins the text only when known: records stored before it existed keep their checksums.
        if (r.Generator is { } generator)
        {
            text += "\u001f" + generator;
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 8));
    }

    private static EvaluationRecord ToEvaluationUnchecked(BsonDocument d) => new()
    {
        Key = d["_id"].AsString,
        ScheduleKey = d["schedule_key"].AsString,
        ScheduleJson = d["schedule"].AsString,
        Nfe = d["nfe"].AsInt32,
        Metric = d["metric"].AsString,
        Score = d["score"].AsDouble,
        HeldOutScore = d["heldout"].IsNull ? null : d["heldout"].AsDouble,
        Fidelity = d["fidelity"].AsInt32,
        Status = EvaluationStatusOf(d["status"].AsString),
        Duration = TimeSpan.FromTicks(d["duration"].AsInt64),
        SearchNames = [.. d["searches"].AsArray.Select(v => v.AsString)],
        Generation = d["generation"].AsInt32,
        Created = Time(d["created"]),
        DetailsJson = d["details"].IsNull ? null : d["details"].AsString,
        Generator = d.TryGetValue("generator", out var generator) && !generator.IsNull ? generator.AsString : null,
    };

    public static BsonDocument ToDocument(ModelRecord m) => new()
    {
        ["_id"] = m.ContentHash,
        ["path"] = m.Path,
        ["card"] = m.CardJson,
        ["updated"] = Time(m.Updated),
    };

    public static ModelRecord ToModel(BsonDocument d) => new()
    {
        ContentHash = d["_id"].AsString,
        Path = d["path"].AsString,
        CardJson = d["card"].AsString,
        Updated = Time(d["updated"]),
    };

    public static SearchRecord ToSearch(BsonDocument d, ProcessIdentity? liveWriter, DateTimeOffset now, TimeSpan timeout)
    {
        var owner = new ProcessIdentity(d["pid"].AsInt32, d["host"].AsString);
        var heartbeat = Time(d["heartbeat"]);
        return new SearchRecord
        {
            Name = d["_id"].AsString,
            SpecJson = d["spec"].AsString,
            KeyContextJson = d.TryGetValue("key_context", out var context) && context.IsString ? context.AsString : null,
            Status = SearchStatusRule.Effective(SearchStatusOf(d["status"].AsString), owner, heartbeat, liveWriter, now, timeout),
            Created = Time(d["created"]),
            Updated = Time(d["updated"]),
            Heartbeat = heartbeat,
            Owner = owner,
            Evaluations = d["evaluations"].AsInt32,
            CacheHits = d["cache_hits"].AsInt32,
            Diverged = d["diverged"].AsInt32,
        };
    }

    public static BsonDocument ReferenceMetadata(ReferenceArray r, string sha256) => new()
    {
        ["shape"] = new BsonArray(r.Shape.Select(n => new BsonValue(n))),
        ["count"] = r.Data.Length,
        ["sha256"] = sha256,
        ["accuracy"] = r.Accuracy is { } a ? new BsonValue(a) : BsonValue.Null,
        ["created"] = Time(r.Created),
        ["description"] = r.DescriptionJson is null ? BsonValue.Null : new BsonValue(r.DescriptionJson),
    };

    public static ImmutableArray<int> Shape(BsonDocument metadata) => [.. metadata["shape"].AsArray.Select(v => v.AsInt32)];
}
