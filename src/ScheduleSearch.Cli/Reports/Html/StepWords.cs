using System.Globalization;
using ScheduleSearch.Core.Schedules;

namespace ScheduleSearch.Cli.Reports.Html;

/// <summary>One step's decisions in words, for the hover text of the report's schedule table (the long form of <see cref="StepCodes"/>).</summary>
internal static class StepWords
{
    /// <summary>"multistep, order 3, data prediction, UniPC B(h) = e^h - 1, UniC corrector" and the step's options.</summary>
    public static string Of(StepChoice step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var method = step.Method switch
        {
            StepMethod.Multistep => "multistep",
            StepMethod.Singlestep => "singlestep",
            StepMethod.Euler => "Euler",
            StepMethod.Heun => "Heun",
            StepMethod.Ipndm => "iPNDM",
            StepMethod.Plms => "PLMS",
            StepMethod.Teleport => "Gaussian teleport (no model call)",
            _ => step.Method.ToString(),
        };
        var words = new List<string> { method, "order " + step.Order.ToString(CultureInfo.InvariantCulture) };
        if (step.IsExponentialIntegrator)
        {
            words.Add(step.Prediction == Prediction.Data ? "data prediction" : "noise prediction");
            words.Add(step.Derivative switch
            {
                DerivativeForm.DpmSolver => "DPM-Solver derivative",
                DerivativeForm.Taylor => "Taylor derivative",
                DerivativeForm.UniPcBh1 => "UniPC B(h) = h",
                DerivativeForm.UniPcBh2 => "UniPC B(h) = e^h - 1",
                DerivativeForm.Deis => "DEIS polynomial",
                DerivativeForm.Linear => "linear derivative c = " + step.LinearC.ToString("G3", CultureInfo.InvariantCulture),
                _ => step.Derivative.ToString(),
            });
            words.Add(step.Corrector switch
            {
                CorrectorKind.UniC => "UniC corrector",
                CorrectorKind.Implicit => "implicit corrector",
                _ => "no corrector",
            });
        }

        if (step.TimeShift != 0)
        {
            words.Add("time shift " + step.TimeShift.ToString("G3", CultureInfo.InvariantCulture));
        }

        if (step.Compensation != 1.0)
        {
            words.Add("compensation " + step.Compensation.ToString("G3", CultureInfo.InvariantCulture));
        }

        if (step.Model is { } model)
        {
            words.Add("model variant " + model);
        }

        return string.Join(", ", words);
    }

    /// <summary>Every step in words, one line each ("step 1: ...").</summary>
    public static string Of(SamplerSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return string.Join('\n', schedule.Steps.Select((s, i) => string.Create(CultureInfo.InvariantCulture, $"step {i + 1}: {Of(s)}")));
    }
}
