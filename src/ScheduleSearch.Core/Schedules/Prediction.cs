namespace ScheduleSearch.Core.Schedules;

/// <summary>Which model output an exponential-integrator step expands (DPM-Solver vs DPM-Solver++).</summary>
public enum Prediction
{
    /// <summary>Data prediction x0_hat (DPM-Solver++, UniPC's data_prediction).</summary>
    Data,

    /// <summary>Noise prediction eps_hat (DPM-Solver).</summary>
    Noise,
}
