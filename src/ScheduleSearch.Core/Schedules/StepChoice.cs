namespace ScheduleSearch.Core.Schedules;

/// <summary>
/// The solver decisions of one interval of a <see cref="SamplerSchedule"/> (SOLVERS.md section 3). Every field
/// has a default that means "off", so files written before a field existed keep their meaning and their key.
/// </summary>
public sealed record StepChoice
{
    /// <summary>A first-order data-prediction multistep step (DDIM).</summary>
    public static readonly StepChoice Ddim = new();

    /// <summary>How the step uses evaluations.</summary>
    public StepMethod Method { get; init; } = StepMethod.Multistep;

    /// <summary>Order of the predictor (1..4 multistep, 1..3 singlestep).</summary>
    public int Order { get; init; } = 1;

    /// <summary>Data or noise prediction.</summary>
    public Prediction Prediction { get; init; } = Prediction.Data;

    /// <summary>How derivatives are estimated for orders above one.</summary>
    public DerivativeForm Derivative { get; init; } = DerivativeForm.DpmSolver;

    /// <summary>The c of USF's <c>linear(c)</c> derivative form; ignored by the other forms.</summary>
    public double LinearC { get; init; }

    /// <summary>The corrector after the predictor.</summary>
    public CorrectorKind Corrector { get; init; } = CorrectorKind.None;

    /// <summary>TS-DPM: evaluate the model at t + delta instead of t (0 = off).</summary>
    public double TimeShift { get; init; }

    /// <summary>DC-Solver's compensation ratio for the corrector (1 = off).</summary>
    public double Compensation { get; init; } = 1.0;

    /// <summary>Which of the card's models evaluates this step (null = the primary model).</summary>
    public string? Model { get; init; }

    /// <summary>True for a DPM-Solver-v3 predictor (it reads the card's empirical model statistics).</summary>
    public bool IsDpmSolverV3 => Derivative is DerivativeForm.DpmSolverV3 or DerivativeForm.DpmSolverV3Pseudo;

    /// <summary>True for a DPM-Solver-v3 corrector.</summary>
    public bool HasDpmSolverV3Corrector => Corrector is CorrectorKind.DpmSolverV3 or CorrectorKind.DpmSolverV3Pseudo;

    /// <summary>True when the step reads the card's empirical model statistics: a DPM-Solver-v3 predictor or corrector.</summary>
    public bool ReadsEms => IsDpmSolverV3 || HasDpmSolverV3Corrector;

    /// <summary>True for the exponential-integrator methods (the ones with prediction, derivative and corrector).</summary>
    public bool IsExponentialIntegrator => Method is StepMethod.Multistep or StepMethod.Singlestep;
}
