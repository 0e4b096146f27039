using ScheduleSearch.Core.Ems;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Search.Specs;

using ScheduleSearch.Search.Generators;

namespace ScheduleSearch.Search.Operators;

/// <summary>
/// The repair of DPM-Solver-v3 decisions (issue 23): a v3 predictor is a multistep data-prediction step that reads the
/// card's statistics on their grid and takes only v3 correctors; a v3 corrector follows a v3 predictor, never on the
/// last step and never where its order would be 1 (the authors skip it). Decisions that break a rule are moved to the
/// nearest allowed one in the space's lists, so what a generator proposes is always valid (ScheduleValidator and the
/// sampler's grid check) and inside the space (<see cref="SpaceMembership"/>).
/// </summary>
internal static class DpmSolverV3Steps
{
    /// <summary>True for the two v3 derivative forms.</summary>
    public static bool IsV3(DerivativeForm form) => form is DerivativeForm.DpmSolverV3 or DerivativeForm.DpmSolverV3Pseudo;

    /// <summary>True for the two v3 correctors.</summary>
    public static bool IsV3(CorrectorKind corrector) => corrector is CorrectorKind.DpmSolverV3 or CorrectorKind.DpmSolverV3Pseudo;

    /// <summary>
    /// The predictor rules, before the order is fixed: a v3 step becomes multistep on data prediction with a v3 corrector
    /// or none, or, where it cannot run (no statistics, a step to t = 0, a space without multistep or data prediction),
    /// a step of another listed derivative; a v3 corrector after another predictor becomes another listed corrector.
    /// </summary>
    public static StepChoice FixPredictor(GeneratorContext ctx, StepChoice step, bool endsAtZero, bool exact)
    {
        var space = ctx.Space;
        if (!step.IsExponentialIntegrator)
        {
            return step;
        }

        if (step.IsDpmSolverV3)
        {
            var runs = ctx.Ems is not null && !endsAtZero
                && (!exact || (space.Methods.Contains(StepMethod.Multistep) && space.Predictions.Contains(Prediction.Data)));
            if (!runs)
            {
                return Demote(space, step, exact);
            }

            var corrector = step.Corrector is CorrectorKind.UniC or CorrectorKind.Implicit
                ? FirstListed(space.Correctors, IsV3, CorrectorKind.None)
                : step.Corrector;
            return step with { Method = StepMethod.Multistep, Prediction = Prediction.Data, Corrector = corrector, Compensation = 1.0 };
        }

        return step.HasDpmSolverV3Corrector ? step with { Corrector = NonV3Corrector(space, exact) } : step;
    }

    /// <summary>
    /// The corrector rules once the order is fixed: none on the last step; where the plain corrector would have order 1,
    /// the pseudo-order one when listed, else none.
    /// </summary>
    public static StepChoice FixCorrector(GeneratorContext ctx, StepChoice step, bool last, bool exact)
    {
        if (!step.HasDpmSolverV3Corrector)
        {
            return step;
        }

        if (last || !step.IsDpmSolverV3)
        {
            return step with { Corrector = CorrectorKind.None };
        }

        var pseudo = step.Corrector == CorrectorKind.DpmSolverV3Pseudo;
        if (step.Order + (pseudo ? 1 : 0) > 1)
        {
            return step;
        }

        return step with
        {
            Corrector = !exact || ctx.Space.Correctors.Contains(CorrectorKind.DpmSolverV3Pseudo) ? CorrectorKind.DpmSolverV3Pseudo : CorrectorKind.None,
        };
    }

    /// <summary>
    /// Turns every v3 step whose history or target lies off the statistics grid (the sampler refuses those) into a step of
    /// another listed derivative, in place; true when something changed.
    /// </summary>
    public static bool FitGrid(GeneratorContext ctx, IReadOnlyList<double> timesteps, List<StepChoice> steps)
    {
        var changed = false;
        var exact = !ctx.Space.KeepsBaselineDecisions;
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            if (step.IsDpmSolverV3 && !OnGrid(ctx.Noise, ctx.Ems, timesteps, i, step))
            {
                steps[i] = Demote(ctx.Space, step, exact);
                changed = true;
            }
        }

        return changed;
    }

    /// <summary>Whether every v3 step of <paramref name="schedule"/> can run on the context's statistics (true without v3 steps).</summary>
    public static bool Runs(GeneratorContext ctx, SamplerSchedule schedule)
    {
        for (var i = 0; i < schedule.Steps.Length; i++)
        {
            if (schedule.Steps[i].IsDpmSolverV3 && !OnGrid(ctx.Noise, ctx.Ems, schedule.Timesteps, i, schedule.Steps[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether v3 step <paramref name="i"/> reads its statistics on the grid only: its target and the history points its
    /// predictor and corrector use (the sampler's check).
    /// </summary>
    public static bool OnGrid(NoiseSchedule noise, EmsStatistics? ems, IReadOnlyList<double> timesteps, int i, StepChoice step)
    {
        if (ems is null)
        {
            return false;
        }

        var reach = Math.Max(step.Order, step.Order + (step.Corrector == CorrectorKind.DpmSolverV3Pseudo ? 1 : 0) - 1);
        for (var j = Math.Max(0, i + 1 - reach); j <= i + 1; j++)
        {
            if (ems.Integrals.Locate(noise.Lambda(timesteps[j])) is null)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A v3 step as a step of the first listed non-v3 derivative (DPM-Solver's where none is) with a non-v3 corrector.</summary>
    private static StepChoice Demote(SearchSpace space, StepChoice step, bool exact) => step with
    {
        Derivative = FirstListed(space.Derivatives, d => !IsV3(d), DerivativeForm.DpmSolver),
        Corrector = IsV3(step.Corrector) ? NonV3Corrector(space, exact) : step.Corrector,
    };

    /// <summary>None when listed (or the space keeps baseline decisions), else the first listed non-v3 corrector.</summary>
    private static CorrectorKind NonV3Corrector(SearchSpace space, bool exact) =>
        !exact || space.Correctors.Contains(CorrectorKind.None)
            ? CorrectorKind.None
            : FirstListed(space.Correctors, c => !IsV3(c), CorrectorKind.None);

    private static T FirstListed<T>(IReadOnlyList<T> list, Func<T, bool> allowed, T fallback)
        where T : struct => list.Where(allowed).DefaultIfEmpty(fallback).First();
}
