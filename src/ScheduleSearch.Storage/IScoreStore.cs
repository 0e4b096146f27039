namespace ScheduleSearch.Storage;

/// <summary>
/// Where searches, their evaluations, teacher references and models are kept (Optuna's storage contract, adapted).
/// </summary>
/// <remarks>
/// <para><b>Thread safety.</b> Every member may be called from any thread at any time; calls are serialised or
/// isolated by the store. Returned objects are immutable snapshots with no reference back to the store.</para>
/// <para><b>Immutability.</b> An evaluation, once stored, never changes: <see cref="IEvaluationCache.AddEvaluations"/> keeps the
/// first record saved under a key and ignores later ones (it is idempotent on the key), there is no update or
/// delete. The same holds for references (<see cref="IReferenceStore.AddReference"/>). Searches are the only mutable records:
/// their status, owner and heartbeat change; their spec does not.</para>
/// <para><b>Atomicity.</b> Each call is one transaction: a batch of evaluations (with the search links it
/// creates) is stored entirely or not at all, also across a crash; a reference is stored with all its data or
/// not at all. Nothing is atomic across two calls.</para>
/// <para><b>Searches and budgets.</b> A search's history is the ordered list of evaluations it computed or
/// found in the cache; <see cref="SearchRecord.Evaluations"/> counts it, so a resumed search counts its budget
/// from the store, never per process. A search stored as running reads as
/// <see cref="SearchStatus.Interrupted"/> once its owner process no longer holds the store or its heartbeat is
/// older than <see cref="ScoreStoreOptions.HeartbeatTimeout"/>; nothing has to clean up after a crash.</para>
/// <para><b>Ports.</b> Scoring needs only the cache (<see cref="IEvaluationCache"/>) and the references
/// (<see cref="IReferenceStore"/>); every store is both.</para>
/// <para><b>Backends.</b> Nothing here names a file: the single-machine backend (<see cref="LiteDb.LiteDbScoreStore"/>)
/// allows one writer process per file and any number of read-only readers; a shared database backend may allow
/// many writers, which the contract permits because keys are unique in the store and inserts keep the first
/// record. Read-only stores throw <see cref="InvalidOperationException"/> from every writing member.</para>
/// <para><b>Errors.</b> A store that cannot be opened or read for a reason the user can act on throws
/// <see cref="ScoreStoreException"/> with a message naming the file or record.</para>
/// </remarks>
public interface IScoreStore : IEvaluationCache, IReferenceStore, IDisposable
{
    /// <summary>True when this instance was opened for reading only.</summary>
    bool IsReadOnly { get; }

    /// <summary>
    /// Starts a new search, or resumes the one with this name: its status becomes running, this process its
    /// owner, now its heartbeat. Throws <see cref="ScoreStoreException"/> when a search of this name exists with
    /// another spec.
    /// </summary>
    /// <remarks>
    /// Names are free text without control characters. <paramref name="keyContextJson"/>, when given, replaces the
    /// search's <see cref="SearchRecord.KeyContextJson"/> (what its evaluation keys are computed from); null keeps
    /// the stored one.
    /// </remarks>
    SearchRecord BeginSearch(string name, string specJson, string? keyContextJson = null);

    /// <summary>Records that the owner of a running search is alive (call at least four times per heartbeat timeout).</summary>
    void Heartbeat(string name);

    /// <summary>Sets the final status of a search: finished, interrupted (Ctrl+C) or failed.</summary>
    void EndSearch(string name, SearchStatus status);

    /// <summary>The search with this name, or null.</summary>
    SearchRecord? GetSearch(string name);

    /// <summary>All searches, oldest first.</summary>
    IReadOnlyList<SearchRecord> ListSearches(CancellationToken cancellationToken = default);

    /// <summary>The evaluation stored under this key, or null (the cache lookup).</summary>
    EvaluationRecord? GetEvaluation(string key);

    /// <summary>A search's history, in the order the evaluations entered it.</summary>
    IReadOnlyList<EvaluationRecord> GetSearchEvaluations(string searchName, CancellationToken cancellationToken = default);

    /// <summary>The length of a search's history (its budget used); 0 for an unknown search.</summary>
    int CountSearchEvaluations(string searchName);

    /// <summary>All evaluations stored, from every search.</summary>
    long CountEvaluations();

    /// <summary>Registers a model, or updates the path and card stored for its content hash.</summary>
    void SaveModel(ModelRecord model);

    /// <summary>The model with this content hash, or null.</summary>
    ModelRecord? GetModel(string contentHash);

    /// <summary>All registered models.</summary>
    IReadOnlyList<ModelRecord> ListModels();
}
