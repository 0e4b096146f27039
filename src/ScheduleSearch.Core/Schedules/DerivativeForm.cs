namespace ScheduleSearch.Core.Schedules;

/// <summary>How an exponential-integrator step of order above one estimates the derivatives of the prediction.</summary>
public enum DerivativeForm
{
    /// <summary>Plain Taylor expansion with finite-difference derivatives (DPM-Solver's "taylor" solver type).</summary>
    Taylor,

    /// <summary>DPM-Solver's own variant (its "dpmsolver" solver type).</summary>
    DpmSolver,

    /// <summary>UniPC with B(h) = h.</summary>
    UniPcBh1,

    /// <summary>UniPC with B(h) = e^h - 1.</summary>
    UniPcBh2,

    /// <summary>USF's relaxation: the first-derivative term scaled by (1 + c h).</summary>
    Linear,

    /// <summary>DEIS's polynomial extrapolation of eps in t, integrated exactly (tAB-DEIS).</summary>
    Deis,
}
