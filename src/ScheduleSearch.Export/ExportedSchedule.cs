using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Schedules;

namespace ScheduleSearch.Export;

/// <summary>One winner to export: the schedule, the model's noise schedule (to turn t into sigma) and its scores.</summary>
public sealed record ExportedSchedule
{
    /// <summary>The schedule.</summary>
    public required SamplerSchedule Schedule { get; init; }

    /// <summary>The model's noise schedule, which gives sigma(t) and the model's discrete timesteps.</summary>
    public required NoiseSchedule Noise { get; init; }

    /// <summary>The search that found it.</summary>
    public required string Search { get; init; }

    /// <summary>Its rank among the winners at its NFE (1 = best).</summary>
    public int Rank { get; init; } = 1;

    /// <summary>The metric's name, e.g. teacher-rmse (lower is better).</summary>
    public required string Metric { get; init; }

    /// <summary>Its score on the scoring noise set.</summary>
    public required double Score { get; init; }

    /// <summary>Samples in the scoring set.</summary>
    public required int Samples { get; init; }

    /// <summary>Its score on the held-out noise set (the headline), when computed.</summary>
    public double? HeldOutScore { get; init; }

    /// <summary>Samples in the held-out set, when computed.</summary>
    public int? HeldOutSamples { get; init; }

    /// <summary>The schedule's key in the database.</summary>
    public string? Key { get; init; }

    /// <summary>
    /// The file beside the json export that holds the data statistics the schedule needs (see
    /// <see cref="NeedsStatistics"/>), named in the file so the Python package loads it by itself; null when none.
    /// </summary>
    public string? StatisticsFile { get; init; }

    /// <summary>
    /// The file beside the json export that holds the DPM-Solver-v3 statistics the schedule's v3 steps read (see
    /// <see cref="NeedsEms"/>), named in its <c>"ems"</c> field; null when none.
    /// </summary>
    public string? EmsFile { get; init; }

    /// <summary>
    /// What the tool expects each approximate export of this schedule to score in its target (one entry per format it
    /// scored or tried to); empty when <c>export</c> did not score them.
    /// </summary>
    public IReadOnlyList<TargetScore> TargetScores { get; init; } = [];

    /// <summary>
    /// Whether <paramref name="schedule"/> reads the data's mean or variance: an analytical first step from the mean,
    /// a teleport step, or time shifts chosen from the state's variance.
    /// </summary>
    public static bool NeedsStatistics(SamplerSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return schedule.Options.Afs == AnalyticFirstStep.MeanX0 || schedule.Options.TimeShiftWindow > 0.0
            || schedule.Steps.Any(s => s.Method == StepMethod.Teleport);
    }

    /// <summary>Whether <paramref name="schedule"/> has DPM-Solver-v3 steps, which read the model's empirical statistics.</summary>
    public static bool NeedsEms(SamplerSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return schedule.Steps.Any(s => s.ReadsEms);
    }
}
