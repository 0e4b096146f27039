using System.Globalization;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Solvers;

namespace ScheduleSearch.Search.Specs;

/// <summary>
/// Whether a schedule lies in a search space: what the search may propose and report as found (baselines are
/// reported as baselines whatever the space). Lower values than a list allows are accepted only where the executor
/// forces them: a multistep order above the history, order 1 data prediction on a step to t = 0, no corrector on the
/// last step, a singlestep order lowered to fit the NFE, no corrector where no listed one can follow the step (a
/// DPM-Solver-v3 corrector needs a v3 predictor).
/// </summary>
public static class SpaceMembership
{
    /// <summary>Why <paramref name="schedule"/> is outside <paramref name="space"/>, one line per problem (empty = inside).</summary>
    public static IReadOnlyList<string> Violations(SearchSpace space, SamplerSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(schedule);
        var problems = new List<string>();
        var steps = schedule.Steps;
        for (var i = 0; i < steps.Length; i++)
        {
            var step = steps[i];
            var at = string.Create(CultureInfo.InvariantCulture, $"step {i + 1}");
            if (step.TimeShift != 0.0 && !space.TimeShift)
            {
                problems.Add($"{at}: time_shift {step.TimeShift.ToString("R", CultureInfo.InvariantCulture)} but the space searches none");
            }

            if (step.Compensation != 1.0 && !space.Compensation)
            {
                problems.Add($"{at}: compensation {step.Compensation.ToString("R", CultureInfo.InvariantCulture)} but the space searches none");
            }

            if (step.Model is { } model && !space.Models.Contains(model))
            {
                problems.Add($"{at}: model {model} is not among the space's models");
            }

            if (step.Method == StepMethod.Teleport)
            {
                if (i != 0 || !space.Teleport)
                {
                    problems.Add($"{at}: teleport {(space.Teleport ? "after the first step" : "but the space searches none")}");
                }

                continue;
            }

            if (space.KeepsBaselineDecisions)
            {
                continue;
            }

            if (!space.Methods.Contains(step.Method))
            {
                problems.Add($"{at}: method {ScheduleNames.Name(step.Method)} is not in the space ({string.Join(", ", space.Methods.Select(ScheduleNames.Name))})");
                continue;
            }

            var endsAtZero = i == steps.Length - 1 && schedule.Timesteps[^1] == 0.0;
            if (step.Order > space.MaxOrder)
            {
                problems.Add($"{at}: order {step.Order} is above the space's highest, {space.MaxOrder}");
            }
            else if (!space.Orders.Contains(step.Order) && step.Order > space.Orders.Min() && !endsAtZero
                && !(step.Method == StepMethod.Multistep && step.Order == EvaluationPlan.AvailableHistory(schedule, i)))
            {
                problems.Add($"{at}: order {step.Order} is not in the space ({string.Join(", ", space.Orders)})");
            }

            if (!space.Predictions.Contains(step.Prediction) && !endsAtZero)
            {
                problems.Add($"{at}: prediction {ScheduleNames.Name(step.Prediction)} is not in the space");
            }

            if (!space.Derivatives.Contains(step.Derivative) || step.LinearC != 0.0)
            {
                problems.Add($"{at}: derivative {ScheduleNames.Name(step.Derivative, step.LinearC)} is not in the space");
            }

            if (!space.Correctors.Contains(step.Corrector)
                && !(step.Corrector == CorrectorKind.None && (i == steps.Length - 1 || endsAtZero || !space.Correctors.Any(c => CanCarry(c, schedule, i)))))
            {
                problems.Add($"{at}: corrector {ScheduleNames.Name(step.Corrector)} is not in the space");
            }
        }

        var options = schedule.Options;
        if (options.Afs != AnalyticFirstStep.None && !space.AfsModes.Contains(options.Afs))
        {
            problems.Add($"afs {ScheduleNames.Name(options.Afs)} is not in the space");
        }

        if (options.Momentum != 0.0 && !space.Momentum)
        {
            problems.Add("momentum but the space searches none");
        }

        return problems;
    }

    /// <summary>
    /// Whether step <paramref name="i"/> could carry <paramref name="corrector"/> at all: a DPM-Solver-v3 corrector only
    /// after a v3 predictor, not on the last step and not where its order would be 1; a v3 predictor no other corrector.
    /// </summary>
    private static bool CanCarry(CorrectorKind corrector, SamplerSchedule schedule, int i)
    {
        var step = schedule.Steps[i];
        if (corrector is not (CorrectorKind.DpmSolverV3 or CorrectorKind.DpmSolverV3Pseudo))
        {
            return !step.IsDpmSolverV3 || corrector == CorrectorKind.None;
        }

        return step.IsDpmSolverV3 && i < schedule.Steps.Length - 1
            && step.Order + (corrector == CorrectorKind.DpmSolverV3Pseudo ? 1 : 0) > 1;
    }

    /// <summary>True when <paramref name="schedule"/> lies in <paramref name="space"/>.</summary>
    public static bool Contains(SearchSpace space, SamplerSchedule schedule) => Violations(space, schedule).Count == 0;
}
