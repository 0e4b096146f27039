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

    /// <summary>
    /// DPM-Solver-v3 (Zheng et al. 2023): the update in the parameterisation fitted by the model's empirical statistics
    /// (l, s, b), derivatives of g from the history by the exact polynomial fit; needs the card's statistics.
    /// </summary>
    DpmSolverV3,

    /// <summary>DPM-Solver-v3 with pseudo-order derivatives (Newton divided differences; the authors' p_pseudo).</summary>
    DpmSolverV3Pseudo,
}
