namespace ScheduleSearch.Storage;

/// <summary>Settings shared by every store.</summary>
public sealed record ScoreStoreOptions
{
    /// <summary>The defaults: system clock, two-minute heartbeat timeout, two seconds to wait for the writer lock.</summary>
    public static ScoreStoreOptions Default { get; } = new();

    /// <summary>The clock for created, updated and heartbeat times (tests pass a manual one).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>
    /// A running search whose last heartbeat is older than this reads as interrupted. A search should call
    /// <see cref="IScoreStore.Heartbeat"/> at least four times per timeout.
    /// </summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a writer retries the lock (a reader checking it holds it for microseconds) before refusing.</summary>
    public TimeSpan LockWait { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How often a writer copies the database beside itself while it writes (LiteDB checkpoint, then a copy named
    /// by <c>LiteDbBackup.PathFor</c>); null (the default) never. Stores without a file ignore it.
    /// </summary>
    public TimeSpan? BackupInterval { get; init; }
}
