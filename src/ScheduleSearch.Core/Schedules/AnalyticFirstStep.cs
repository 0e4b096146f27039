namespace ScheduleSearch.Core.Schedules;

/// <summary>USF's analytical first step: replace the first model call by a closed-form guess of x0.</summary>
public enum AnalyticFirstStep
{
    /// <summary>The first step evaluates the model.</summary>
    None,

    /// <summary>x0_hat = 0 at t_T (0 evaluations).</summary>
    ZeroX0,

    /// <summary>x0_hat = the data mean at t_T (0 evaluations; needs the card's statistics).</summary>
    MeanX0,
}
