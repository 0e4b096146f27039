using System.Globalization;
using ScheduleSearch.Core.Schedules;

namespace ScheduleSearch.Cli.Reports;

/// <summary>
/// A compact code per step for tables: method letter (M multistep, S singlestep, E euler, H heun, I ipndm, P plms,
/// T teleport), order, prediction (d data, n noise), derivative (dpm, tay, bh1, bh2, deis, v3, v3p, lin(c)) and corrector
/// (+U UniC, +I implicit, +V / +Vp DPM-Solver-v3 plain / pseudo). "M3d.bh2+U" is a data-prediction UniP-3 step with B(h) = e^h - 1 and UniC.
/// </summary>
public static class StepCodes
{
    /// <summary>The code of one step.</summary>
    public static string Of(StepChoice step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var method = step.Method switch
        {
            StepMethod.Multistep => "M",
            StepMethod.Singlestep => "S",
            StepMethod.Euler => "E",
            StepMethod.Heun => "H",
            StepMethod.Ipndm => "I",
            StepMethod.Plms => "P",
            StepMethod.Teleport => "T",
            _ => "?",
        };
        if (!step.IsExponentialIntegrator)
        {
            return method + step.Order.ToString(CultureInfo.InvariantCulture);
        }

        var derivative = step.Derivative switch
        {
            DerivativeForm.DpmSolver => "dpm",
            DerivativeForm.Taylor => "tay",
            DerivativeForm.UniPcBh1 => "bh1",
            DerivativeForm.UniPcBh2 => "bh2",
            DerivativeForm.Deis => "deis",
            DerivativeForm.DpmSolverV3 => "v3",
            DerivativeForm.DpmSolverV3Pseudo => "v3p",
            DerivativeForm.Linear => "lin(" + step.LinearC.ToString("G3", CultureInfo.InvariantCulture) + ")",
            _ => "?",
        };
        var corrector = step.Corrector switch
        {
            CorrectorKind.UniC => "+U",
            CorrectorKind.Implicit => "+I",
            CorrectorKind.DpmSolverV3 => "+V",
            CorrectorKind.DpmSolverV3Pseudo => "+Vp",
            _ => string.Empty,
        };
        return string.Create(CultureInfo.InvariantCulture, $"{method}{step.Order}{(step.Prediction == Prediction.Data ? "d" : "n")}.{derivative}{corrector}");
    }

    /// <summary>The codes of every step, space-separated.</summary>
    public static string Of(SamplerSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return string.Join(' ', schedule.Steps.Select(Of));
    }

    /// <summary>The timesteps with 3 significant digits, comma-separated.</summary>
    public static string Timesteps(SamplerSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return string.Join(",", schedule.Timesteps.Select(t => t.ToString("G3", CultureInfo.InvariantCulture)));
    }
}
