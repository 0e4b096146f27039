namespace ScheduleSearch.Storage;

/// <summary>
/// The score cache as the evaluator sees it (the narrow port of <see cref="IScoreStore"/> that caching needs):
/// look keys up, store new evaluations, record cache hits. The contract is <see cref="IScoreStore"/>'s.
/// </summary>
public interface IEvaluationCache
{
    /// <summary>The evaluations stored under any of these keys, by key; keys not stored are absent from the result.</summary>
    IReadOnlyDictionary<string, EvaluationRecord> GetEvaluations(IEnumerable<string> keys, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a batch in one transaction and returns how many were new. A record whose key is stored already
    /// (or repeats an earlier key in the batch) is ignored: the first record wins. Every search named in a
    /// record's <see cref="EvaluationRecord.SearchNames"/> gets the key appended to its history (as computed
    /// when the record is new, as a cache hit otherwise) unless it is there already. Every search named must
    /// have been begun (<see cref="KeyNotFoundException"/> otherwise, and nothing is stored).
    /// </summary>
    int AddEvaluations(IReadOnlyList<EvaluationRecord> records, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends stored evaluations that a search found in the cache to its history (one transaction); keys
    /// already in its history are skipped, keys not stored throw <see cref="KeyNotFoundException"/>. Returns how many were appended.
    /// </summary>
    int AddCacheHits(string searchName, IEnumerable<string> keys, CancellationToken cancellationToken = default);
}
