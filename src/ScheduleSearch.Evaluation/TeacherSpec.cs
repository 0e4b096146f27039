namespace ScheduleSearch.Evaluation;

/// <summary>The teacher: a preset run at many steps on the same noise (default DPM-Solver++ 3M, 500 steps, logSNR).</summary>
public sealed record TeacherSpec
{
    /// <summary>Preset name.</summary>
    public string Preset { get; init; } = "dpm-solver++-3m";

    /// <summary>Its NFE.</summary>
    public int Nfe { get; init; } = 500;

    /// <summary>Its spacing name.</summary>
    public string Spacing { get; init; } = "logsnr-uniform";

    /// <summary>
    /// Where the teacher starts (null = the model's default). The evaluator sets it per candidate: a teacher metric
    /// compares states at the same time, so a candidate that starts or ends elsewhere gets a teacher that does too.
    /// </summary>
    public double? TStart { get; init; }

    /// <summary>Where the teacher ends (null = the model's default end).</summary>
    public double? TEnd { get; init; }
}
