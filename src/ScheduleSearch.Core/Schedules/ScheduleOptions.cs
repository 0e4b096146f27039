namespace ScheduleSearch.Core.Schedules;

/// <summary>Schedule-wide options (FORMATS.md "options"); every default means "off".</summary>
public sealed record ScheduleOptions
{
    /// <summary>All defaults.</summary>
    public static readonly ScheduleOptions Default = new();

    /// <summary>One extra evaluation at t_0 replaces the state by x0_hat (DPM-Solver's denoise_to_zero).</summary>
    public bool DenoiseToZero { get; init; }

    /// <summary>USF's analytical first step.</summary>
    public AnalyticFirstStep Afs { get; init; } = AnalyticFirstStep.None;

    /// <summary>GHVB heavy-ball momentum beta on the multistep update (0 = off).</summary>
    public double Momentum { get; init; }

    /// <summary>
    /// When true, a multistep order larger than the history allows is lowered to what the history holds
    /// (the warm-up rule); when false (default) such a schedule is rejected, so a file says exactly what runs.
    /// </summary>
    public bool ClipOrder { get; init; }
}
