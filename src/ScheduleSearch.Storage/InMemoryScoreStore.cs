namespace ScheduleSearch.Storage;

/// <summary>
/// The <see cref="IScoreStore"/> contract held in this process's memory (tests, dry runs). One lock guards
/// everything; the store's own process is always the live writer, so only the heartbeat decides whether a
/// running search reads as interrupted.
/// </summary>
public sealed class InMemoryScoreStore : IScoreStore
{
    private readonly Lock gate = new();
    private readonly ScoreStoreOptions options;
    private readonly Dictionary<string, StoredSearch> searches = new(StringComparer.Ordinal);
    private readonly List<string> searchOrder = [];
    private readonly Dictionary<string, EvaluationRecord> evaluations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ReferenceArray> references = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ModelRecord> models = new(StringComparer.Ordinal);

    /// <summary>Creates an empty store.</summary>
    public InMemoryScoreStore(ScoreStoreOptions? options = null)
    {
        this.options = options ?? ScoreStoreOptions.Default;
    }

    /// <inheritdoc />
    public bool IsReadOnly => false;

    /// <inheritdoc />
    public SearchRecord BeginSearch(string name, string specJson, string? keyContextJson = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(specJson);
        lock (gate)
        {
            var now = options.Clock.GetUtcNow();
            if (searches.TryGetValue(name, out var search))
            {
                if (search.SpecJson != specJson)
                {
                    throw new ScoreStoreException($"search '{name}' exists with another spec; choose another name to start a new search");
                }
            }
            else
            {
                search = new StoredSearch(name, specJson, now);
                searches.Add(name, search);
                searchOrder.Add(name);
            }

            search.KeyContextJson = keyContextJson ?? search.KeyContextJson;
            search.Status = SearchStatus.Running;
            search.Owner = ProcessIdentity.Current;
            search.Updated = now;
            search.Heartbeat = now;
            return Snapshot(search, now);
        }
    }

    /// <inheritdoc />
    public void Heartbeat(string name)
    {
        lock (gate)
        {
            Find(name).Heartbeat = options.Clock.GetUtcNow();
        }
    }

    /// <inheritdoc />
    public void EndSearch(string name, SearchStatus status)
    {
        SearchStatusRule.CheckFinal(status);
        lock (gate)
        {
            var search = Find(name);
            search.Status = status;
            search.Updated = options.Clock.GetUtcNow();
        }
    }

    /// <inheritdoc />
    public SearchRecord? GetSearch(string name)
    {
        lock (gate)
        {
            return searches.TryGetValue(name, out var search) ? Snapshot(search, options.Clock.GetUtcNow()) : null;
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<SearchRecord> ListSearches(CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            var now = options.Clock.GetUtcNow();
            return [.. searchOrder.Select(n => Snapshot(searches[n], now))];
        }
    }

    /// <inheritdoc />
    public EvaluationRecord? GetEvaluation(string key)
    {
        lock (gate)
        {
            return evaluations.GetValueOrDefault(key);
        }
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, EvaluationRecord> GetEvaluations(IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        lock (gate)
        {
            var found = new Dictionary<string, EvaluationRecord>(StringComparer.Ordinal);
            foreach (var key in keys)
            {
                if (evaluations.TryGetValue(key, out var record))
                {
                    found[key] = record;
                }
            }

            return found;
        }
    }

    /// <inheritdoc />
    public int AddEvaluations(IReadOnlyList<EvaluationRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (var record in records)
        {
            SearchStatusRule.CheckRecord(record);
        }

        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            foreach (var searchName in records.SelectMany(r => r.SearchNames).Where(n => !searches.ContainsKey(n)))
            {
                throw new KeyNotFoundException($"search '{searchName}' does not exist; begin it before storing its evaluations");
            }

            var added = 0;
            foreach (var record in records)
            {
                var isNew = evaluations.TryAdd(record.Key, record);
                added += isNew ? 1 : 0;
                foreach (var searchName in record.SearchNames)
                {
                    Link(searchName, record.Key, cached: !isNew);
                }
            }

            return added;
        }
    }

    /// <inheritdoc />
    public int AddCacheHits(string searchName, IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var list = keys.ToList();
        lock (gate)
        {
            Find(searchName);
            foreach (var key in list.Where(k => !evaluations.ContainsKey(k)))
            {
                throw new KeyNotFoundException($"evaluation {key} is not stored; store it with AddEvaluations");
            }

            return list.Count(key => Link(searchName, key, cached: true));
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<EvaluationRecord> GetSearchEvaluations(string searchName, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            return searches.TryGetValue(searchName, out var search) ? [.. search.History.Select(k => evaluations[k])] : [];
        }
    }

    /// <inheritdoc />
    public int CountSearchEvaluations(string searchName)
    {
        lock (gate)
        {
            return searches.TryGetValue(searchName, out var search) ? search.History.Count : 0;
        }
    }

    /// <inheritdoc />
    public long CountEvaluations()
    {
        lock (gate)
        {
            return evaluations.Count;
        }
    }

    /// <inheritdoc />
    public bool AddReference(ReferenceArray reference, CancellationToken cancellationToken = default)
    {
        SearchStatusRule.CheckReference(reference);
        lock (gate)
        {
            return references.TryAdd(reference.Name, reference);
        }
    }

    /// <inheritdoc />
    public ReferenceArray? GetReference(string name, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            return references.GetValueOrDefault(name);
        }
    }

    /// <inheritdoc />
    public void SaveModel(ModelRecord model)
    {
        ArgumentNullException.ThrowIfNull(model);
        lock (gate)
        {
            models[model.ContentHash] = model;
        }
    }

    /// <inheritdoc />
    public ModelRecord? GetModel(string contentHash)
    {
        lock (gate)
        {
            return models.GetValueOrDefault(contentHash);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<ModelRecord> ListModels()
    {
        lock (gate)
        {
            return [.. models.Values];
        }
    }

    /// <summary>Nothing to release.</summary>
    public void Dispose()
    {
    }

    private StoredSearch Find(string name) =>
        searches.TryGetValue(name, out var search) ? search : throw new KeyNotFoundException($"search '{name}' does not exist; begin it first");

    private bool Link(string searchName, string key, bool cached)
    {
        var search = Find(searchName);
        if (!search.Keys.Add(key))
        {
            return false;
        }

        search.History.Add(key);
        if (cached)
        {
            search.CacheHits++;
        }

        if (evaluations[key].Status != EvaluationStatus.Ok)
        {
            search.Diverged++;
        }

        return true;
    }

    private SearchRecord Snapshot(StoredSearch s, DateTimeOffset now) => new()
    {
        Name = s.Name,
        SpecJson = s.SpecJson,
        KeyContextJson = s.KeyContextJson,
        Status = SearchStatusRule.Effective(s.Status, s.Owner, s.Heartbeat, ProcessIdentity.Current, now, options.HeartbeatTimeout),
        Created = s.Created,
        Updated = s.Updated,
        Heartbeat = s.Heartbeat,
        Owner = s.Owner,
        Evaluations = s.History.Count,
        CacheHits = s.CacheHits,
        Diverged = s.Diverged,
    };

    private sealed class StoredSearch(string name, string specJson, DateTimeOffset created)
    {
        public string Name { get; } = name;

        public string SpecJson { get; } = specJson;

        public DateTimeOffset Created { get; } = created;

        public string? KeyContextJson { get; set; }

        public DateTimeOffset Updated { get; set; } = created;

        public DateTimeOffset Heartbeat { get; set; } = created;

        public SearchStatus Status { get; set; } = SearchStatus.Running;

        public ProcessIdentity Owner { get; set; } = ProcessIdentity.Current;

        public List<string> History { get; } = [];

        public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);

        public int CacheHits { get; set; }

        public int Diverged { get; set; }
    }
}
