namespace ScheduleSearch.Evaluation;

/// <summary>A snapshot of what an evaluator has done (for progress displays and benchmarks).</summary>
public sealed record EvaluatorCounters
{
    /// <summary>Candidates scored by running the model (cache misses), whatever their status.</summary>
    public long Evaluations { get; init; }

    /// <summary>Candidates answered from the store (or repeated within one call).</summary>
    public long CacheHits { get; init; }

    /// <summary>Evaluations that ended diverged.</summary>
    public long Diverged { get; init; }

    /// <summary>Evaluations that ended failed (invalid schedules).</summary>
    public long Failed { get; init; }

    /// <summary>Model calls made for candidates (<see cref="Core.Denoising.IDenoiser.Calls"/>), teacher runs excluded.</summary>
    public long ModelCalls { get; init; }

    /// <summary>
    /// Model calls that ran: equal to <see cref="ModelCalls"/> one candidate at a time; fewer in the lockstep mode,
    /// where one run serves a round of calls of several candidates.
    /// </summary>
    public long ModelRuns { get; init; }

    /// <summary>Model calls not made because a candidate resumed from a shared prefix state (issue 6).</summary>
    public long ModelCallsSaved { get; init; }

    /// <summary>Evaluations that resumed from a shared prefix state.</summary>
    public long PrefixResumes { get; init; }

    /// <summary>Time spent inside the model for candidates.</summary>
    public TimeSpan ModelTime { get; init; }

    /// <summary>Wall time spent inside Evaluate, teacher runs excluded.</summary>
    public TimeSpan TotalTime { get; init; }

    /// <summary>Model calls made for teacher references (including their verification runs).</summary>
    public long TeacherModelCalls { get; init; }

    /// <summary>Wall time spent computing or loading teacher references.</summary>
    public TimeSpan TeacherTime { get; init; }

    /// <summary>The share of <see cref="TotalTime"/> spent outside the model (0 when nothing was timed).</summary>
    public double OverheadFraction => TotalTime > TimeSpan.Zero ? Math.Max(0.0, 1.0 - (ModelTime / TotalTime)) : 0.0;

    /// <summary>The difference of two snapshots (this minus <paramref name="earlier"/>), for timing a stretch of work.</summary>
    public EvaluatorCounters Since(EvaluatorCounters earlier)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        return new EvaluatorCounters
        {
            Evaluations = Evaluations - earlier.Evaluations,
            CacheHits = CacheHits - earlier.CacheHits,
            Diverged = Diverged - earlier.Diverged,
            Failed = Failed - earlier.Failed,
            ModelCalls = ModelCalls - earlier.ModelCalls,
            ModelRuns = ModelRuns - earlier.ModelRuns,
            ModelCallsSaved = ModelCallsSaved - earlier.ModelCallsSaved,
            PrefixResumes = PrefixResumes - earlier.PrefixResumes,
            ModelTime = ModelTime - earlier.ModelTime,
            TotalTime = TotalTime - earlier.TotalTime,
            TeacherModelCalls = TeacherModelCalls - earlier.TeacherModelCalls,
            TeacherTime = TeacherTime - earlier.TeacherTime,
        };
    }
}
