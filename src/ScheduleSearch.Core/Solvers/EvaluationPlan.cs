using ScheduleSearch.Core.Schedules;

namespace ScheduleSearch.Core.Solvers;

/// <summary>
/// What a schedule will do before it runs: the order each step really uses and how many model evaluations it
/// costs. The <see cref="Sampler"/> follows the same rules (it asks this class), so NFE accounting cannot drift.
/// </summary>
public static class EvaluationPlan
{
    /// <summary>Most history points a step can use (order 4 multistep).</summary>
    public const int MaxHistory = 4;

    /// <summary>Total model evaluations of <paramref name="schedule"/>.</summary>
    public static int Count(SamplerSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return CountFirst(schedule, schedule.Steps.Length) + (schedule.Options.DenoiseToZero ? 1 : 0);
    }

    /// <summary>Model evaluations of the first <paramref name="steps"/> steps of <paramref name="schedule"/>.</summary>
    public static int CountFirst(SamplerSchedule schedule, int steps)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(steps, schedule.Steps.Length);
        return CountSteps(schedule, steps, out _);
    }

    /// <summary>
    /// Model evaluations made before step <paramref name="index"/>'s update begins: its first steps and its anchor. What
    /// resuming from a <see cref="SamplerState"/> at that step saves.
    /// </summary>
    public static int CountBefore(SamplerSchedule schedule, int index)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, schedule.Steps.Length);
        var total = CountSteps(schedule, index, out var hasAnchor);
        var teleport = schedule.Steps[index].Method == StepMethod.Teleport;
        return total + (!teleport && NeedsAnchorEvaluation(schedule, index, hasAnchor) ? 1 : 0);
    }

    /// <summary>
    /// Evaluations made by step <paramref name="index"/> given whether a model value at its start point already
    /// exists; reports whether one will exist at its end point.
    /// </summary>
    public static int StepEvaluations(SamplerSchedule schedule, int index, bool hasAnchor, out bool anchorAfter)
    {
        var step = schedule.Steps[index];
        var last = index == schedule.Steps.Length - 1;
        var endsAtZero = schedule.Timesteps[index + 1] == 0.0;
        anchorAfter = false;
        if (step.Method == StepMethod.Teleport)
        {
            return 0;
        }

        var n = NeedsAnchorEvaluation(schedule, index, hasAnchor) ? 1 : 0;
        switch (step.Method)
        {
            case StepMethod.Singlestep:
                n += EffectiveOrder(schedule, index) - 1;
                break;
            case StepMethod.Heun:
                n += endsAtZero ? 0 : 1;
                return n;
            case StepMethod.Plms:
                n += index == 0 ? 1 : 0; // the pseudo improved-Euler warm-up step evaluates twice
                break;
        }

        switch (step.Corrector)
        {
            case CorrectorKind.UniC or CorrectorKind.DpmSolverV3 or CorrectorKind.DpmSolverV3Pseudo when !last:
                n += 1;
                anchorAfter = true;
                break;
            case CorrectorKind.Implicit:
                n += 1;
                if (!last)
                {
                    n += 1;
                    anchorAfter = true;
                }

                break;
        }

        return n;
    }

    private static int CountSteps(SamplerSchedule schedule, int steps, out bool hasAnchor)
    {
        var total = 0;
        hasAnchor = false;
        for (var i = 0; i < steps; i++)
        {
            total += StepEvaluations(schedule, i, hasAnchor, out hasAnchor);
        }

        return total;
    }

    /// <summary>True when step <paramref name="index"/> must evaluate the model at its start point.</summary>
    public static bool NeedsAnchorEvaluation(SamplerSchedule schedule, int index, bool hasAnchor) =>
        !hasAnchor && !(index == 0 && schedule.Options.Afs != AnalyticFirstStep.None);

    /// <summary>
    /// History points available to step <paramref name="index"/>: its start point and those before (a teleport first
    /// step leaves none behind).
    /// </summary>
    public static int AvailableHistory(SamplerSchedule schedule, int index)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var teleported = schedule.Steps.Length > 0 && schedule.Steps[0].Method == StepMethod.Teleport ? 1 : 0;
        return Math.Clamp(index + 1 - teleported, 0, MaxHistory);
    }

    /// <summary>
    /// The order step <paramref name="index"/> really runs at: the requested order, lowered where the history is
    /// short (when <see cref="ScheduleOptions.ClipOrder"/> is on, and always for iPNDM/PLMS whose warm-up is part of
    /// the method) and to one on a step that ends at sigma = 0 (where h is infinite and only x0 survives).
    /// </summary>
    public static int EffectiveOrder(SamplerSchedule schedule, int index)
    {
        var step = schedule.Steps[index];
        var order = step.Order;
        var endsAtZero = schedule.Timesteps[index + 1] == 0.0;
        switch (step.Method)
        {
            case StepMethod.Multistep:
                if (schedule.Options.ClipOrder)
                {
                    order = Math.Min(order, AvailableHistory(schedule, index));
                    if (endsAtZero)
                    {
                        order = 1;
                    }
                }

                return order;
            case StepMethod.Singlestep:
                return schedule.Options.ClipOrder && endsAtZero ? 1 : order;
            case StepMethod.Ipndm:
            case StepMethod.Plms:
                return Math.Min(order, AvailableHistory(schedule, index));
            default:
                return order;
        }
    }
}
