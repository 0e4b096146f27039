using System.Globalization;

namespace ScheduleSearch.Core.Schedules;

/// <summary>The JSON spellings of the schedule enums (FORMATS.md), in one place.</summary>
public static class ScheduleNames
{
    private static readonly (StepMethod Value, string Name)[] Methods =
    [
        (StepMethod.Multistep, "multistep"), (StepMethod.Singlestep, "singlestep"), (StepMethod.Euler, "euler"),
        (StepMethod.Heun, "heun"), (StepMethod.Ipndm, "ipndm"), (StepMethod.Plms, "plms"), (StepMethod.Teleport, "teleport"),
    ];

    private static readonly (Prediction Value, string Name)[] Predictions = [(Prediction.Data, "data"), (Prediction.Noise, "noise")];

    private static readonly (DerivativeForm Value, string Name)[] Derivatives =
    [
        (DerivativeForm.Taylor, "taylor"), (DerivativeForm.DpmSolver, "dpm-solver"), (DerivativeForm.UniPcBh1, "unipc-bh1"),
        (DerivativeForm.UniPcBh2, "unipc-bh2"), (DerivativeForm.Deis, "deis"),
        (DerivativeForm.DpmSolverV3, "dpm-solver-v3"), (DerivativeForm.DpmSolverV3Pseudo, "dpm-solver-v3-pseudo"),
    ];

    private static readonly (CorrectorKind Value, string Name)[] Correctors =
        [
            (CorrectorKind.None, "none"), (CorrectorKind.UniC, "unic"), (CorrectorKind.Implicit, "implicit"),
            (CorrectorKind.DpmSolverV3, "dpm-solver-v3"), (CorrectorKind.DpmSolverV3Pseudo, "dpm-solver-v3-pseudo"),
        ];

    private static readonly (AnalyticFirstStep Value, string Name)[] FirstSteps =
        [(AnalyticFirstStep.None, "none"), (AnalyticFirstStep.ZeroX0, "zero-x0"), (AnalyticFirstStep.MeanX0, "mean-x0")];

    /// <summary>JSON name of a method.</summary>
    public static string Name(StepMethod value) => Lookup(Methods, value);

    /// <summary>JSON name of a prediction.</summary>
    public static string Name(Prediction value) => Lookup(Predictions, value);

    /// <summary>JSON name of a corrector.</summary>
    public static string Name(CorrectorKind value) => Lookup(Correctors, value);

    /// <summary>JSON name of an analytical first step.</summary>
    public static string Name(AnalyticFirstStep value) => Lookup(FirstSteps, value);

    /// <summary>JSON name of a derivative form; <c>linear(c)</c> carries its coefficient.</summary>
    public static string Name(DerivativeForm value, double linearC) =>
        value == DerivativeForm.Linear ? $"linear({linearC.ToString("R", CultureInfo.InvariantCulture)})" : Lookup(Derivatives, value);

    /// <summary>Parses a method name, or null when unknown.</summary>
    public static StepMethod? ParseMethod(string name) => Parse(Methods, name);

    /// <summary>Parses a prediction name, or null when unknown.</summary>
    public static Prediction? ParsePrediction(string name) => Parse(Predictions, name);

    /// <summary>Parses a corrector name, or null when unknown.</summary>
    public static CorrectorKind? ParseCorrector(string name) => Parse(Correctors, name);

    /// <summary>Parses an analytical-first-step name, or null when unknown.</summary>
    public static AnalyticFirstStep? ParseFirstStep(string name) => Parse(FirstSteps, name);

    /// <summary>Parses a derivative form, including <c>linear(c)</c>; null when unknown.</summary>
    public static (DerivativeForm Form, double LinearC)? ParseDerivative(string name)
    {
        if (name.StartsWith("linear(", StringComparison.Ordinal) && name.EndsWith(')'))
        {
            var inner = name["linear(".Length..^1];
            return double.TryParse(inner, NumberStyles.Float, CultureInfo.InvariantCulture, out var c) && double.IsFinite(c)
                ? (DerivativeForm.Linear, c)
                : null;
        }

        var form = Parse(Derivatives, name);
        return form is null ? null : (form.Value, 0.0);
    }

    /// <summary>All method names, for error messages.</summary>
    public static string MethodNames => string.Join(", ", Methods.Select(m => m.Name));

    /// <summary>All prediction names, for error messages.</summary>
    public static string PredictionNames => string.Join(", ", Predictions.Select(m => m.Name));

    /// <summary>All derivative names, for error messages.</summary>
    public static string DerivativeNames => string.Join(", ", Derivatives.Select(m => m.Name)) + ", linear(c)";

    /// <summary>All corrector names, for error messages.</summary>
    public static string CorrectorNames => string.Join(", ", Correctors.Select(m => m.Name));

    /// <summary>All first-step names, for error messages.</summary>
    public static string FirstStepNames => string.Join(", ", FirstSteps.Select(m => m.Name));

    private static string Lookup<T>((T Value, string Name)[] table, T value)
        where T : struct, Enum
    {
        foreach (var (v, n) in table)
        {
            if (EqualityComparer<T>.Default.Equals(v, value))
            {
                return n;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(value), value, "no JSON name for this value");
    }

    private static T? Parse<T>((T Value, string Name)[] table, string name)
        where T : struct, Enum
    {
        foreach (var (v, n) in table)
        {
            if (n == name)
            {
                return v;
            }
        }

        return null;
    }
}
