namespace ScheduleSearch.Storage;

/// <summary>A candidate put on a search's claim queue: what a worker needs to evaluate it.</summary>
/// <param name="Key">Its evaluation key (<see cref="EvaluationKey"/>), unique per search in the queue.</param>
/// <param name="ScheduleJson">The schedule as <c>schedule-search/schedule@1</c> JSON.</param>
/// <param name="Generation">The search's generation that proposed it (0 for baselines).</param>
public sealed record QueuedCandidate(string Key, string ScheduleJson, int Generation);
