using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Search.Distributed;

/// <summary>
/// The proposer's evaluator for a search shared by many workers: instead of scoring a batch itself, it queues the
/// batch on the store's claim queue (keys unique, budget counted in the database) and waits until every accepted
/// candidate is in the search's history, evaluating queued candidates itself meanwhile unless told not to. A
/// <c>SearchRun</c> over it asks, tells and stops exactly as in one process, so a shared search proposes the
/// same sequence as a single-process run of the same spec. Requests not tied to the search (held-out
/// re-scoring, one-off evaluations) are scored locally and not queued.
/// </summary>
public sealed class QueuedEvaluator : IScheduleEvaluator
{
    private readonly IScheduleEvaluator local;
    private readonly IEvaluationQueue queue;
    private readonly IScoreStore store;
    private readonly EvaluationIdentity identity;
    private readonly int budget;
    private readonly DistributedOptions options;
    private long lastHeartbeat;

    /// <summary>
    /// Creates the evaluator for a search whose budget is <paramref name="budget"/> evaluations; candidates are queued
    /// under their keys by <paramref name="identity"/>, which must be the one <paramref name="local"/> keys by.
    /// </summary>
    public QueuedEvaluator(
        IScheduleEvaluator local, IEvaluationQueue queue, IScoreStore store, EvaluationIdentity identity, int budget, DistributedOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(identity);
        this.local = local;
        this.queue = queue;
        this.store = store;
        this.identity = identity;
        this.budget = budget;
        this.options = options ?? new DistributedOptions();
    }

    /// <inheritdoc />
    public string Metric => local.Metric;

    /// <summary>Candidates this process evaluated itself while waiting.</summary>
    public int EvaluatedHere { get; private set; }

    /// <inheritdoc />
    public IReadOnlyList<ScoredSchedule> Evaluate(IReadOnlyList<SamplerSchedule> candidates, EvaluationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(request);
        if (request.SearchName is not { } search || request.HeldOut || request.Noise is not null || request.Fidelity is not null)
        {
            return local.Evaluate(candidates, request, cancellationToken);
        }

        var keys = candidates.Select(c => identity.KeyOf(c, request)).ToArray();
        var queued = candidates.Select((c, i) => new QueuedCandidate(keys[i], ScheduleJson.Write(c, indented: false), request.Generation)).ToArray();
        var accepted = queue.Enqueue(search, queued, budget, cancellationToken);
        var wanted = keys[..accepted];
        var worker = new SearchWorker(local, queue, store, search, identity, options);
        while (queue.CountPending(search, wanted, cancellationToken) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Heartbeat(search);
            if (options.ProposerEvaluates && worker.TryWorkOnce(cancellationToken))
            {
                continue;
            }

            cancellationToken.WaitHandle.WaitOne(options.PollInterval);
        }

        EvaluatedHere += worker.Evaluated;
        var records = store.GetEvaluations(wanted, cancellationToken);
        return [.. Enumerable.Range(0, accepted).Select(i => ScoredSchedule.From(records[keys[i]], candidates[i], cacheHit: false))];
    }

    /// <summary>Keeps the search running in readers' eyes while the proposer waits on other workers (at most every few seconds).</summary>
    private void Heartbeat(string search)
    {
        var now = options.Clock.GetTimestamp();
        if (lastHeartbeat == 0 || options.Clock.GetElapsedTime(lastHeartbeat, now) >= TimeSpan.FromSeconds(5))
        {
            store.Heartbeat(search);
            lastHeartbeat = now;
        }
    }
}
