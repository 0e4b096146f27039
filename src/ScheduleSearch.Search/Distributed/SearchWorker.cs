using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Search.Distributed;

/// <summary>
/// One worker of a shared search: claims queued candidates (oldest first, and those of workers whose claims
/// expired), evaluates them with its own evaluator, which stores each under the search, and completes the claim.
/// Renews its claims on a timer while it evaluates, so only a dead (or hung) worker loses them. It proposes
/// nothing: the proposer (<see cref="QueuedEvaluator"/> inside the search's run) queues the candidates.
/// </summary>
public sealed class SearchWorker
{
    private readonly IScheduleEvaluator evaluator;
    private readonly IEvaluationQueue queue;
    private readonly IScoreStore store;
    private readonly string searchName;
    private readonly EvaluationIdentity identity;
    private readonly DistributedOptions options;

    /// <summary>Creates a worker; <paramref name="identity"/> is what the evaluator keys by, checked against each claim's key.</summary>
    public SearchWorker(
        IScheduleEvaluator evaluator, IEvaluationQueue queue, IScoreStore store, string searchName, EvaluationIdentity identity, DistributedOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(searchName);
        ArgumentNullException.ThrowIfNull(identity);
        this.evaluator = evaluator;
        this.queue = queue;
        this.store = store;
        this.searchName = searchName;
        this.identity = identity;
        this.options = options ?? new DistributedOptions();
        WorkerId = $"{ProcessIdentity.Current} worker {Guid.NewGuid().ToString("N")[..8]}";
    }

    /// <summary>This worker's id in the claims table ("pid N on host H worker XXXXXXXX").</summary>
    public string WorkerId { get; }

    /// <summary>Candidates stored so far.</summary>
    public int Evaluated { get; private set; }

    /// <summary>Candidates stored so far that another worker had claimed before.</summary>
    public int Retaken { get; private set; }

    /// <summary>Raised after each stored candidate, with its claim.</summary>
    public event EventHandler<EvaluationClaim>? Stored;

    /// <summary>
    /// Works until the search is finished or failed with nothing left to claim, until it has had no live proposer
    /// for <see cref="DistributedOptions.IdleExit"/>, or until cancelled. Throws <see cref="KeyNotFoundException"/>
    /// when the search does not exist.
    /// </summary>
    public WorkerResult Run(CancellationToken cancellationToken = default)
    {
        _ = store.GetSearch(searchName) ?? throw new KeyNotFoundException($"search '{searchName}' does not exist; start it with run --storage first");
        long? idleSince = null;
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (TryWorkOnce(cancellationToken))
                {
                    idleSince = null;
                    continue;
                }

                var status = store.GetSearch(searchName)?.Status ?? SearchStatus.Failed;
                if (status is SearchStatus.Finished or SearchStatus.Failed)
                {
                    return new WorkerResult(Evaluated, Retaken, "finished");
                }

                if (status == SearchStatus.Running)
                {
                    idleSince = null;
                }
                else
                {
                    idleSince ??= options.Clock.GetTimestamp();
                    if (options.Clock.GetElapsedTime(idleSince.Value) >= options.IdleExit)
                    {
                        return new WorkerResult(Evaluated, Retaken, "idle");
                    }
                }

                cancellationToken.WaitHandle.WaitOne(options.PollInterval);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new WorkerResult(Evaluated, Retaken, "cancelled");
        }
    }

    /// <summary>Claims, evaluates and completes up to <see cref="DistributedOptions.ClaimBatch"/> candidates; false when nothing was claimable.</summary>
    public bool TryWorkOnce(CancellationToken cancellationToken = default)
    {
        var claims = queue.Claim(searchName, WorkerId, options.ClaimBatch, options.Grace, cancellationToken);
        if (claims.Count == 0)
        {
            return false;
        }

        using var renewal = new Timer(_ => Renew(), null, options.RenewInterval, options.RenewInterval);
        try
        {
            foreach (var group in claims.GroupBy(c => c.Candidate.Generation))
            {
                var request = new EvaluationRequest { SearchName = searchName, Generation = group.Key };
                var batch = group.ToArray();
                var schedules = batch.Select(c => ScheduleJson.Read(c.Candidate.ScheduleJson, "claimed candidate " + c.Candidate.Key)).ToArray();
                for (var i = 0; i < batch.Length; i++)
                {
                    var key = identity.KeyOf(schedules[i], request);
                    if (key != batch[i].Candidate.Key)
                    {
                        throw new InvalidOperationException(
                            $"this worker's key for a candidate of '{searchName}' is {key}, the search's is {batch[i].Candidate.Key}: the worker has another model, metric or noise than the search; give it the same model files");
                    }
                }

                evaluator.Evaluate(schedules, request, cancellationToken);
                foreach (var claim in batch)
                {
                    queue.Complete(searchName, claim.Candidate.Key);
                    Evaluated++;
                    Retaken += claim.Attempts > 1 ? 1 : 0;
                    Stored?.Invoke(this, claim);
                }
            }
        }
        catch
        {
            foreach (var claim in claims)
            {
                TryRelease(claim);
            }

            throw;
        }

        return true;
    }

    private void Renew()
    {
        try
        {
            queue.RenewClaims(WorkerId);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A missed renewal is harmless while the next one lands within the grace period.
        }
    }

    private void TryRelease(EvaluationClaim claim)
    {
        try
        {
            queue.Release(searchName, claim.Candidate.Key, WorkerId);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Unreleased, the claim expires after the grace period and another worker takes it.
        }
    }
}
