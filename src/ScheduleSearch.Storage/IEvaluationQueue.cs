namespace ScheduleSearch.Storage;

/// <summary>
/// The claim queue through which many worker processes share one search (a store with many writers implements
/// it: <see cref="Postgres.PostgresScoreStore"/>). One proposer queues candidates; any worker claims one, evaluates
/// it, stores it with <see cref="IScoreStore.AddEvaluations"/> (or <see cref="IScoreStore.AddCacheHits"/>) under
/// the search, and completes the claim. A claim whose owner has not renewed it within the grace period is
/// claimable again, so a dead worker's candidate is re-done by another.
/// </summary>
/// <remarks>
/// <para><b>Keys.</b> A candidate is queued at most once per search (its evaluation key is unique there), and
/// evaluations are unique in the store, so no candidate is stored twice.</para>
/// <para><b>Budget.</b> <see cref="Enqueue"/> counts, in the same transaction, the search's history plus its open
/// claims (queued or running) whose key is not in the history yet, and accepts only what fits the budget: the
/// history can therefore never grow past it, however many processes work on the search.</para>
/// <para><b>Clocks.</b> Claim heartbeats use the store's clock; hosts sharing a search keep their clocks
/// synchronised (NTP) to well within the grace period.</para>
/// </remarks>
public interface IEvaluationQueue
{
    /// <summary>
    /// Queues <paramref name="candidates"/> for <paramref name="searchName"/> in order and returns how many of them (a
    /// prefix) are accepted: a candidate already queued or already in the search's history is accepted at no cost,
    /// a new one costs one evaluation of <paramref name="budget"/>. The search must have been begun
    /// (<see cref="KeyNotFoundException"/> otherwise).
    /// </summary>
    int Enqueue(string searchName, IReadOnlyList<QueuedCandidate> candidates, int budget, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims for <paramref name="workerId"/> up to <paramref name="count"/> of the search's candidates, oldest
    /// first: queued ones, and running ones whose owner's last renewal is older than <paramref name="grace"/>.
    /// Returns none when nothing is claimable.
    /// </summary>
    IReadOnlyList<EvaluationClaim> Claim(string searchName, string workerId, int count, TimeSpan grace, CancellationToken cancellationToken = default);

    /// <summary>Renews every running claim of <paramref name="workerId"/> (call several times per grace period); returns how many it holds.</summary>
    int RenewClaims(string workerId);

    /// <summary>Marks a claim done (whoever holds it now: the evaluation is stored, which is what counts).</summary>
    void Complete(string searchName, string key);

    /// <summary>Puts back a claim that <paramref name="workerId"/> could not finish (an error, a cancel), for another worker.</summary>
    void Release(string searchName, string key, string workerId);

    /// <summary>The search's claims by state.</summary>
    QueueCounts CountClaims(string searchName);

    /// <summary>How many of <paramref name="keys"/> are neither done nor in the search's history.</summary>
    int CountPending(string searchName, IEnumerable<string> keys, CancellationToken cancellationToken = default);
}
