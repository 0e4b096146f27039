namespace ScheduleSearch.Search.Distributed;

/// <summary>What one worker did before it left the search.</summary>
/// <param name="Evaluated">Candidates it claimed and stored (computed or found in the cache).</param>
/// <param name="Retaken">How many of those another worker had claimed before (a dead worker's work re-done).</param>
/// <param name="Reason">Why it stopped: "finished", "idle" (no live proposer) or "cancelled".</param>
public sealed record WorkerResult(int Evaluated, int Retaken, string Reason);
