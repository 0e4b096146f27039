namespace ScheduleSearch.Search.Distributed;

/// <summary>Timing of the claim protocol shared by <see cref="QueuedEvaluator"/> and <see cref="SearchWorker"/>.</summary>
public sealed record DistributedOptions
{
    /// <summary>A claim not renewed for this long belongs to a dead worker and is claimable again.</summary>
    public TimeSpan Grace { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How often a worker renews its claims (several times per <see cref="Grace"/>).</summary>
    public TimeSpan RenewInterval { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How long to wait before looking at the queue again when nothing was claimable.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A worker leaves a search that has not been running (no live proposer) for this long with nothing to claim.</summary>
    public TimeSpan IdleExit { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Candidates claimed at once (more than 1 lets the evaluator batch them on one device).</summary>
    public int ClaimBatch { get; init; } = 1;

    /// <summary>Whether the proposer evaluates queued candidates itself while it waits for its batch.</summary>
    public bool ProposerEvaluates { get; init; } = true;

    /// <summary>The clock of the idle timeout and the proposer's heartbeats (delays always run in real time).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
