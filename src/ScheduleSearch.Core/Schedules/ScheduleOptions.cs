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
    /// TS-DPM's variance-matching rule (Li et al. 2023): when above 0, each model evaluation at a grid point t is made at
    /// the time within [t - window, t + window] whose marginal variance alpha^2 v_data + sigma^2 is closest to the current
    /// state's variance (needs the data statistics); per-step time_shift values are then ignored.
    /// </summary>
    public double TimeShiftWindow { get; init; }

    /// <summary>
    /// When true, a multistep order larger than the history allows is lowered to what the history holds
    /// (the warm-up rule); when false (default) such a schedule is rejected, so a file says exactly what runs.
    /// </summary>
    public bool ClipOrder { get; init; }

    /// <summary>
    /// DPM-Solver-v3's <c>degenerated=True</c>: its steps use l = 1, s = b = 0 on the statistics grid (on the card's grid
    /// when it has statistics, otherwise 1200 equal steps in lambda over the model's default time range) instead of
    /// the card's statistics. No effect on other steps.
    /// </summary>
    public bool EmsDegenerated { get; init; }
}
