namespace ScheduleSearch.Storage;

/// <summary>A search's claims by state.</summary>
/// <param name="Queued">Waiting for a worker.</param>
/// <param name="Running">Claimed by a worker and not done (live or expired).</param>
/// <param name="Done">Evaluated and stored.</param>
public sealed record QueueCounts(int Queued, int Running, int Done);
