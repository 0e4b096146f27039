using ScheduleSearch.Evaluation;

namespace ScheduleSearch.Search.Running;

/// <summary>A scored schedule with its measured model time per sample (a point of the time-vs-score front).</summary>
/// <param name="Scored">The scored schedule.</param>
/// <param name="MillisecondsPerSample">Its model time per sample: the sum over its calls of the calling variant's measured time.</param>
public sealed record TimedSchedule(ScoredSchedule Scored, double MillisecondsPerSample);
