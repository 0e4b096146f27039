namespace ScheduleSearch.Storage;

/// <summary>A candidate claimed by one worker.</summary>
/// <param name="SearchName">The search it belongs to.</param>
/// <param name="Candidate">The candidate.</param>
/// <param name="Attempts">How many times it has been claimed, this claim included (more than 1: a worker died or gave it back).</param>
public sealed record EvaluationClaim(string SearchName, QueuedCandidate Candidate, int Attempts);
