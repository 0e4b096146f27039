namespace ScheduleSearch.Storage;

/// <summary>What <see cref="ScoreStoreCopy.Copy"/> did.</summary>
/// <param name="Searches">Searches copied.</param>
/// <param name="Evaluations">Evaluations new in the target.</param>
/// <param name="HistoryEntries">History entries written (computed and cache hits).</param>
public sealed record CopyResult(int Searches, int Evaluations, int HistoryEntries);
