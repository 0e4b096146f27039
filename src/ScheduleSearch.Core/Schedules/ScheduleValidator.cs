using System.Globalization;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Solvers;

namespace ScheduleSearch.Core.Schedules;

/// <summary>
/// Checks that a schedule can run on a model with the given noise schedule. Every problem is reported, each
/// naming the step (1-based, as users count) or field and the reason.
/// </summary>
public static class ScheduleValidator
{
    /// <summary>Lists every problem; empty when the schedule can run.</summary>
    public static IReadOnlyList<string> Problems(SamplerSchedule schedule, NoiseSchedule noise)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(noise);
        var problems = new List<string>();
        var ts = schedule.Timesteps;
        var steps = schedule.Steps;
        if (schedule.Time != noise.Kind)
        {
            problems.Add($"time: the schedule is written in \"{schedule.Time}\" time but the model's schedule is \"{noise.Kind}\"");
        }

        if (steps.Length == 0)
        {
            problems.Add("steps: a schedule needs at least one step");
        }

        if (ts.Length != steps.Length + 1)
        {
            problems.Add($"timesteps: has {ts.Length} points for {steps.Length} steps; expected {steps.Length + 1}");
            return problems;
        }

        for (var i = 0; i < ts.Length; i++)
        {
            var t = ts[i];
            if (!double.IsFinite(t))
            {
                problems.Add($"timesteps[{i}]: {F(t)} is not a finite number");
            }
            else if (!noise.Contains(t) || (t == 0.0 && i != ts.Length - 1))
            {
                var zero = noise.AllowsZeroEnd ? " (or exactly 0 as the last point)" : string.Empty;
                problems.Add($"timesteps[{i}]: t = {F(t)} is outside the model's time range [{F(noise.TMin)}, {F(noise.TMax)}]{zero}");
            }

            if (i > 0 && !(t < ts[i - 1]))
            {
                problems.Add($"timesteps[{i}]: t = {F(t)} is not below the previous point {F(ts[i - 1])}; timesteps must be strictly descending");
            }
        }

        var o = schedule.Options;
        if (!(o.Momentum >= 0.0 && o.Momentum < 1.0))
        {
            problems.Add($"options.momentum: {F(o.Momentum)} is outside [0, 1) (0 = no momentum)");
        }

        if (!(o.TimeShiftWindow >= 0.0) || !double.IsFinite(o.TimeShiftWindow))
        {
            problems.Add($"options.time_shift_window: {F(o.TimeShiftWindow)} must be 0 (off) or a positive window in t");
        }

        if (o.Afs != AnalyticFirstStep.None && steps.Length > 0 && steps[0].Method is StepMethod.Teleport or StepMethod.Heun or StepMethod.Plms)
        {
            problems.Add($"options.afs: the analytical first step replaces the first step's model evaluation; step 1 is {ScheduleNames.Name(steps[0].Method)}, which has none to replace (use multistep, singlestep or euler)");
        }

        for (var i = 0; i < steps.Length; i++)
        {
            CheckStep(schedule, noise, i, problems);
        }

        return problems;
    }

    /// <summary>Throws <see cref="ScheduleFormatException"/> listing every problem, if any.</summary>
    public static void Validate(SamplerSchedule schedule, NoiseSchedule noise, string source = "schedule")
    {
        var problems = Problems(schedule, noise);
        if (problems.Count > 0)
        {
            throw new ScheduleFormatException($"{source} cannot run: " + string.Join("; ", problems));
        }
    }

    private static void CheckStep(SamplerSchedule schedule, NoiseSchedule noise, int i, List<string> problems)
    {
        var step = schedule.Steps[i];
        var name = $"step {i + 1}";
        var last = i == schedule.Steps.Length - 1;
        var endsAtZero = schedule.Timesteps[i + 1] == 0.0;
        var order = EvaluationPlan.EffectiveOrder(schedule, i);
        var available = EvaluationPlan.AvailableHistory(schedule, i);

        if (step.Model is { Length: 0 })
        {
            problems.Add($"{name}: model must name one of the card's variants (or be left out for the primary model)");
        }

        if (step.TimeShift != 0.0)
        {
            var shifted = schedule.Timesteps[i] + step.TimeShift;
            if (!double.IsFinite(step.TimeShift) || !(shifted >= noise.TMin && shifted <= noise.TMax))
            {
                problems.Add($"{name}: time_shift {F(step.TimeShift)} evaluates the model at t = {F(shifted)}, outside the model's time range [{F(noise.TMin)}, {F(noise.TMax)}]");
            }
        }

        if (step.Compensation != 1.0 && (step.Corrector == CorrectorKind.None || !(step.Compensation > 0.0) || !double.IsFinite(step.Compensation)))
        {
            problems.Add($"{name}: compensation {F(step.Compensation)} scales the UniC corrector's new point; it needs a corrector and a positive finite value");
        }

        switch (step.Method)
        {
            case StepMethod.Multistep:
                if (step.Order is < 1 or > 4)
                {
                    problems.Add($"{name}: multistep order {step.Order} is outside 1..4");
                }
                else if (order > available)
                {
                    problems.Add($"{name}: multistep order {order} needs {order} points of history but only {available} exist at this step (lower the order or set options.clip_order)");
                }

                break;
            case StepMethod.Singlestep:
                if (step.Order is < 1 or > 3)
                {
                    problems.Add($"{name}: singlestep order {step.Order} is outside 1..3");
                }

                if (step.Derivative is DerivativeForm.UniPcBh1 or DerivativeForm.UniPcBh2 or DerivativeForm.Deis && step.Order > 1)
                {
                    problems.Add($"{name}: derivative {ScheduleNames.Name(step.Derivative, step.LinearC)} is a multistep rule; singlestep steps take taylor, dpm-solver or linear(c)");
                }

                break;
            case StepMethod.Teleport:
                if (i != 0)
                {
                    problems.Add($"{name}: teleport jumps from the start point in closed form; it can only be step 1");
                }

                if (step.Order != 1 || step.Prediction != StepChoice.Ddim.Prediction || step.Derivative != StepChoice.Ddim.Derivative || step.Corrector != CorrectorKind.None || step.TimeShift != 0.0)
                {
                    problems.Add($"{name}: teleport takes no order, prediction, derivative, corrector or time_shift (leave them at their defaults)");
                }

                break;
            case StepMethod.Euler:
            case StepMethod.Heun:
            case StepMethod.Ipndm:
            case StepMethod.Plms:
                CheckVeStep(step, name, problems);
                break;
            default:
                problems.Add($"{name}: unknown method {step.Method}");
                break;
        }

        if (step.IsExponentialIntegrator)
        {
            if (step.Derivative == DerivativeForm.Deis && step.Prediction != Prediction.Noise && step.Order > 1)
            {
                problems.Add($"{name}: derivative deis extrapolates eps in t and needs prediction \"noise\"");
            }

            if (endsAtZero && step.Prediction == Prediction.Noise)
            {
                problems.Add($"{name}: ends at t = 0 where sigma = 0; a noise-prediction step cannot reach it (use data prediction or euler)");
            }
            else if (endsAtZero && order > 1)
            {
                problems.Add($"{name}: ends at t = 0 where the step size in log-SNR is infinite; only order 1 can reach it (lower the order or set options.clip_order)");
            }
        }

        if (step.Corrector == CorrectorKind.UniC && last)
        {
            problems.Add($"{name}: the unic corrector reuses the next step's evaluation and the last step has none; use \"none\" or \"implicit\"");
        }

        CheckDpmSolverV3(schedule, step, name, order, available, last, problems);

        if (step.Corrector != CorrectorKind.None && endsAtZero)
        {
            problems.Add($"{name}: a corrector needs a model evaluation at the step's end and the model cannot be evaluated at t = 0");
        }

        if (step.Corrector != CorrectorKind.None && !step.IsExponentialIntegrator)
        {
            problems.Add($"{name}: correctors apply to multistep and singlestep steps, not to {ScheduleNames.Name(step.Method)}");
        }

        if (!double.IsFinite(step.LinearC))
        {
            problems.Add($"{name}: linear(c) needs a finite c");
        }

    }

    /// <summary>DPM-Solver-v3 steps: multistep only, with their own corrector, and nothing that changes their meaning.</summary>
    private static void CheckDpmSolverV3(SamplerSchedule schedule, StepChoice step, string name, int order, int available, bool last, List<string> problems)
    {
        if (step.HasDpmSolverV3Corrector && step.Compensation != 1.0)
        {
            problems.Add($"{name}: compensation scales the UniC corrector's new point; a dpm-solver-v3 corrector takes none");
        }

        if (step.HasDpmSolverV3Corrector)
        {
            var c = order + (step.Corrector == CorrectorKind.DpmSolverV3Pseudo ? 1 : 0);
            if (!step.IsDpmSolverV3)
            {
                problems.Add($"{name}: the {ScheduleNames.Name(step.Corrector)} corrector follows a dpm-solver-v3 predictor (derivative dpm-solver-v3 or dpm-solver-v3-pseudo)");
            }
            else if (last)
            {
                problems.Add($"{name}: the {ScheduleNames.Name(step.Corrector)} corrector reuses the next step's evaluation and the last step has none; use \"none\"");
            }
            else if (c <= 1)
            {
                problems.Add($"{name}: a dpm-solver-v3 corrector of order {c} changes nothing (the authors skip it); use \"none\" or \"dpm-solver-v3-pseudo\"");
            }
            else if (c - 1 > available)
            {
                problems.Add($"{name}: a dpm-solver-v3 corrector of order {c} needs {c - 1} points of history before the new one but only {available} exist at this step");
            }
        }

        if (!step.IsDpmSolverV3)
        {
            return;
        }

        if (step.Method != StepMethod.Multistep)
        {
            problems.Add($"{name}: dpm-solver-v3 is a multistep rule; use method \"multistep\"");
        }

        if (step.Prediction != Prediction.Data)
        {
            problems.Add($"{name}: dpm-solver-v3 uses its own parameterisation of the model; leave prediction at \"data\"");
        }

        if (step.Corrector is CorrectorKind.UniC or CorrectorKind.Implicit)
        {
            problems.Add($"{name}: a dpm-solver-v3 step takes the corrector none, dpm-solver-v3 or dpm-solver-v3-pseudo, not {ScheduleNames.Name(step.Corrector)}");
        }

        if (schedule.Options.Momentum != 0.0)
        {
            problems.Add($"{name}: options.momentum averages data or noise predictions, which a dpm-solver-v3 step does not use; set momentum 0");
        }
    }

    private static void CheckVeStep(StepChoice step, string name, List<string> problems)
    {
        var d = StepChoice.Ddim;
        var expectedOrder = step.Method switch
        {
            StepMethod.Euler => 1,
            StepMethod.Heun => 2,
            _ => -1,
        };
        if (expectedOrder > 0 && step.Order != expectedOrder)
        {
            problems.Add($"{name}: {ScheduleNames.Name(step.Method)} has order {expectedOrder}, not {step.Order}");
        }

        if (expectedOrder < 0 && step.Order is < 1 or > 4)
        {
            problems.Add($"{name}: {ScheduleNames.Name(step.Method)} order {step.Order} is outside 1..4");
        }

        if (step.Prediction != d.Prediction || step.Derivative != d.Derivative)
        {
            problems.Add($"{name}: {ScheduleNames.Name(step.Method)} integrates eps in the VE view; prediction and derivative do not apply (leave them at their defaults)");
        }
    }

    private static string F(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
