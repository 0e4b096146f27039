namespace ScheduleSearch.Evaluation.References;

/// <summary>How a teacher reference is computed.</summary>
public sealed record TeacherRunOptions
{
    /// <summary>Samples per sampler run (one model call serves this many samples).</summary>
    public int Batch { get; init; } = 256;

    /// <summary>Batches run at once.</summary>
    public int DegreeOfParallelism { get; init; } = 1;

    /// <summary>Also run at twice the steps and record the difference as the reference's accuracy.</summary>
    public bool Verify { get; init; } = true;

    /// <summary>Receives the fraction done (0 to 1, over the teacher run and its verification) after each batch, or null.</summary>
    public IProgress<double>? Progress { get; init; }

    /// <summary>Clock for the stored creation time.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
