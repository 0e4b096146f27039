using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Search.Generators;
using ScheduleSearch.Search.Specs;

namespace ScheduleSearch.Search.Operators;

/// <summary>
/// The wider space of issue 9 on the search side: per-step time shifts (TS-DPM) and compensation ratios (DC-Solver),
/// schedule-wide momentum (GHVB) and analytical first step (USF), and a Gaussian teleport first step. Holds the
/// rules that keep them inside the space's bounds and the executor's rules (<see cref="Normalize"/>, called by
/// <see cref="ScheduleEditing.Repair"/>), random draws, and the mutations. Nothing here draws from the random stream
/// unless the space switches the decision on, so a plain space replays the sequence it always did.
/// </summary>
internal static class WideDecisions
{
    /// <summary>The wide mutations by name (appended to <see cref="Mutations.All"/>).</summary>
    public static readonly (string Name, Func<GeneratorContext, SamplerSchedule, Random, SamplerSchedule?> Apply)[] All =
    [
        ("move-time-shift", MoveTimeShift),
        ("move-compensation", MoveCompensation),
        ("move-momentum", MoveMomentum),
        ("toggle-afs", ToggleAfs),
        ("toggle-teleport", ToggleTeleport),
        ("move-teleport", MoveTeleport),
        ("move-model", ModelChoices.MoveModel),
    ];

    /// <summary>
    /// Brings the wide decisions of a grid and its steps inside the space and the executor's rules (in place for the
    /// steps): shifts within +/- bound t_i and the model's range, none on a teleport step or a step whose first
    /// evaluation the analytical first step replaces; compensation only with a UniC corrector (plain or implicit), within 1 +/- bound;
    /// momentum within [0, max]; afs only in the space and where step 1 has an evaluation to replace. Returns the
    /// options to use.
    /// </summary>
    public static ScheduleOptions Normalize(GeneratorContext ctx, IReadOnlyList<double> timesteps, List<StepChoice> steps, ScheduleOptions options)
    {
        var space = ctx.Space;
        var afs = options.Afs;
        if (afs != AnalyticFirstStep.None && (!space.AfsModes.Contains(afs) || steps[0].Method is StepMethod.Teleport or StepMethod.Heun or StepMethod.Plms))
        {
            afs = AnalyticFirstStep.None;
        }

        // Momentum averages data or noise predictions, which DPM-Solver-v3 steps do not use: none beside them.
        var momentum = space.Momentum && double.IsFinite(options.Momentum) && !steps.Any(s => s.IsDpmSolverV3)
            ? Math.Clamp(options.Momentum, 0.0, space.MomentumMax) : 0.0;
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var t = timesteps[i];
            var shift = 0.0;
            if (space.TimeShift && step.Method != StepMethod.Teleport && !(i == 0 && afs != AnalyticFirstStep.None) && double.IsFinite(step.TimeShift))
            {
                var bound = space.TimeShiftBound * t;
                shift = Math.Clamp(step.TimeShift, Math.Max(-bound, ctx.Noise.TMin - t), Math.Min(bound, ctx.Noise.TMax - t));
            }

            var rho = space.Compensation && step.Corrector is CorrectorKind.UniC or CorrectorKind.Implicit && double.IsFinite(step.Compensation)
                ? Math.Clamp(step.Compensation, 1.0 - space.CompensationBound, 1.0 + space.CompensationBound)
                : 1.0;
            var model = ModelChoices.Normalize(space, step);
            if (shift != step.TimeShift || rho != step.Compensation || model != step.Model)
            {
                steps[i] = step with { TimeShift = shift, Compensation = rho, Model = model };
            }
        }

        return afs == options.Afs && momentum == options.Momentum ? options : options with { Afs = afs, Momentum = momentum };
    }

    /// <summary>
    /// With a teleport first step, keeps its landing point t_skip (lambda index 1) at or above the space's lowest
    /// fraction of t_T (lambdas ascend; an interior point only).
    /// </summary>
    public static void ClampTeleport(GeneratorContext ctx, List<double> lambdas, IReadOnlyList<StepChoice> steps, double tStart)
    {
        if (steps.Count < 2 || steps[0].Method != StepMethod.Teleport || lambdas.Count < 3)
        {
            return;
        }

        var limit = ctx.Noise.Lambda(Math.Max(ctx.Space.TeleportLowest * tStart, ctx.Noise.TMin));
        if (lambdas[1] > limit && limit > lambdas[0])
        {
            lambdas[1] = limit;
        }
    }

    /// <summary>Random wide decisions for a new random schedule: changes the steps and grid in place, returns the options.</summary>
    public static ScheduleOptions Randomize(GeneratorContext ctx, List<double> timesteps, List<StepChoice> steps, Random rng)
    {
        var space = ctx.Space;
        var options = ScheduleOptions.Default;
        if (!space.IsWide)
        {
            return options;
        }

        if (space.Teleport && rng.Chance(0.3))
        {
            InsertTeleport(ctx, timesteps, steps, rng);
        }

        if (space.AfsModes.Length > 0 && rng.Chance(0.4))
        {
            options = options with { Afs = rng.Pick(space.AfsModes) };
        }

        if (space.Momentum && rng.Chance(0.4))
        {
            options = options with { Momentum = rng.NextDouble() * space.MomentumMax };
        }

        for (var i = 0; i < steps.Count; i++)
        {
            if (space.TimeShift && rng.Chance(0.3))
            {
                steps[i] = steps[i] with { TimeShift = space.TimeShiftBound * timesteps[i] * ((2.0 * rng.NextDouble()) - 1.0) };
            }

            if (space.Compensation && steps[i].Corrector is CorrectorKind.UniC or CorrectorKind.Implicit && rng.Chance(0.5))
            {
                steps[i] = steps[i] with { Compensation = 1.0 + (space.CompensationBound * ((2.0 * rng.NextDouble()) - 1.0)) };
            }
        }

        ModelChoices.Randomize(space, steps, rng);

        return options;
    }

    /// <summary>
    /// The share of mutation moves that change a wide decision: 30 % when breeding mixes; when it keeps prefixes, 6 %
    /// for each decision the space switches on (about what one plain decision gets), at most 30 %. A flat 30 % spends
    /// almost a third of the moves toggling the analytical first step when that is the only wide decision (the gmm
    /// specs' space), and every such toggle changes the first step, so the child shares no sampler state with its parent.
    /// </summary>
    public static double MoveShare(GeneratorContext ctx)
    {
        if (ctx.Breeding == Breeding.Mixing)
        {
            return 0.3;
        }

        var space = ctx.Space;
        var decisions = new[] { space.TimeShift, space.Compensation, space.Momentum, space.AfsModes.Length > 0, space.Teleport, space.Models.Length > 0 };
        return Math.Min(0.3, 0.06 * decisions.Count(on => on));
    }

    /// <summary>Applies one wide mutation enabled by the space (null when none is).</summary>
    public static SamplerSchedule? MutateOne(GeneratorContext ctx, SamplerSchedule s, Random rng)
    {
        var space = ctx.Space;
        var enabled = new List<int>();
        if (space.TimeShift)
        {
            enabled.Add(0);
        }

        if (space.Compensation && s.Steps.Any(st => st.Corrector is CorrectorKind.UniC or CorrectorKind.Implicit))
        {
            enabled.Add(1);
        }

        if (space.Momentum)
        {
            enabled.Add(2);
        }

        if (space.AfsModes.Length > 0)
        {
            enabled.Add(3);
        }

        if (space.Teleport)
        {
            enabled.Add(4);
            if (s.Steps[0].Method == StepMethod.Teleport)
            {
                enabled.Add(5);
            }
        }

        if (space.Models.Length > 0)
        {
            enabled.Add(6);
        }

        return enabled.Count == 0 ? null : All[rng.Pick(enabled)].Apply(ctx, s, rng);
    }

    /// <summary>TS-DPM: a Gaussian move of one step's shift (relative to its start t), or back to zero.</summary>
    public static SamplerSchedule? MoveTimeShift(GeneratorContext ctx, SamplerSchedule s, Random rng)
    {
        if (!ctx.Space.TimeShift)
        {
            return null;
        }

        var steps = s.Steps.ToArray();
        var i = rng.Next(steps.Length);
        var bound = ctx.Space.TimeShiftBound * s.Timesteps[i];
        var shift = rng.Chance(0.15) ? 0.0 : steps[i].TimeShift + (bound / 3.0 * rng.Gaussian());
        steps[i] = steps[i] with { TimeShift = shift };
        return ScheduleEditing.Repair(ctx, s.Timesteps, steps, rng, s.Name, s.Options);
    }

    /// <summary>DC-Solver: a Gaussian move of one corrector step's compensation ratio, or back to 1.</summary>
    public static SamplerSchedule? MoveCompensation(GeneratorContext ctx, SamplerSchedule s, Random rng)
    {
        var corrected = Enumerable.Range(0, s.Steps.Length).Where(i => s.Steps[i].Corrector is CorrectorKind.UniC or CorrectorKind.Implicit).ToArray();
        if (!ctx.Space.Compensation || corrected.Length == 0)
        {
            return null;
        }

        var steps = s.Steps.ToArray();
        var i = rng.Pick(corrected);
        var rho = rng.Chance(0.15) ? 1.0 : steps[i].Compensation + (ctx.Space.CompensationBound / 3.0 * rng.Gaussian());
        steps[i] = steps[i] with { Compensation = rho };
        return ScheduleEditing.Repair(ctx, s.Timesteps, steps, rng, s.Name, s.Options);
    }

    /// <summary>GHVB: a Gaussian move of the momentum beta (a uniform draw when it was off), or off.</summary>
    public static SamplerSchedule? MoveMomentum(GeneratorContext ctx, SamplerSchedule s, Random rng)
    {
        if (!ctx.Space.Momentum)
        {
            return null;
        }

        var max = ctx.Space.MomentumMax;
        var beta = s.Options.Momentum == 0.0 ? rng.NextDouble() * max : rng.Chance(0.15) ? 0.0 : s.Options.Momentum + (max / 4.0 * rng.Gaussian());
        return ScheduleEditing.Repair(ctx, s.Timesteps, s.Steps, rng, s.Name, s.Options with { Momentum = Math.Clamp(beta, 0.0, max) });
    }

    /// <summary>USF: switches the analytical first step to another of the space's modes or off (the repair keeps the NFE).</summary>
    public static SamplerSchedule? ToggleAfs(GeneratorContext ctx, SamplerSchedule s, Random rng)
    {
        var modes = ctx.Space.AfsModes;
        if (modes.Length == 0)
        {
            return null;
        }

        var choices = modes.Prepend(AnalyticFirstStep.None).Where(m => m != s.Options.Afs).ToArray();
        var steps = s.Steps.ToList();
        var ts = s.Timesteps.ToList();
        var afs = rng.Pick(choices);
        if (afs != AnalyticFirstStep.None && steps[0].Method == StepMethod.Teleport && steps.Count > 1)
        {
            // The analytical first step and a teleport both replace the start; turning one on turns the other off.
            steps.RemoveAt(0);
            ts.RemoveAt(1);
        }

        return ScheduleEditing.Repair(ctx, ts, steps, rng, s.Name, s.Options with { Afs = afs });
    }

    /// <summary>Gaussian teleport: removes a teleport first step, or adds one landing between the lowest allowed t_skip and t_T.</summary>
    public static SamplerSchedule? ToggleTeleport(GeneratorContext ctx, SamplerSchedule s, Random rng)
    {
        if (!ctx.Space.Teleport)
        {
            return null;
        }

        var steps = s.Steps.ToList();
        var ts = s.Timesteps.ToList();
        if (steps[0].Method == StepMethod.Teleport)
        {
            if (steps.Count < 2)
            {
                return null;
            }

            steps.RemoveAt(0);
            ts.RemoveAt(1);
            return ScheduleEditing.Repair(ctx, ts, steps, rng, s.Name, s.Options);
        }

        InsertTeleport(ctx, ts, steps, rng);
        return ScheduleEditing.Repair(ctx, ts, steps, rng, s.Name, s.Options with { Afs = AnalyticFirstStep.None });
    }

    /// <summary>Moves a teleport's landing point t_skip uniformly in lambda between its lowest allowed time and the next point.</summary>
    public static SamplerSchedule? MoveTeleport(GeneratorContext ctx, SamplerSchedule s, Random rng)
    {
        if (!ctx.Space.Teleport || s.Steps[0].Method != StepMethod.Teleport || s.Timesteps.Length < 3)
        {
            return null;
        }

        var ts = s.Timesteps.ToArray();
        var lo = ctx.Noise.Lambda(ts[0]);
        var hi = Math.Min(ctx.Noise.Lambda(Math.Max(ctx.Space.TeleportLowest * ts[0], ctx.Noise.TMin)), ctx.Noise.Lambda(ts[2]));
        ts[1] = ctx.Noise.InverseLambda(lo + ((0.05 + (0.95 * rng.NextDouble())) * (hi - lo)));
        return ScheduleEditing.Repair(ctx, ts, s.Steps, rng, s.Name, s.Options);
    }

    private static void InsertTeleport(GeneratorContext ctx, List<double> ts, List<StepChoice> steps, Random rng)
    {
        var tStart = ts[0];
        var lowest = Math.Max(ctx.Space.TeleportLowest * tStart, Math.Max(ctx.Noise.TMin, ts[^1]));
        var tSkip = lowest + ((0.1 + (0.85 * rng.NextDouble())) * (tStart - lowest));
        // The grid after t_skip keeps its steps: points above t_skip move just below it, in order.
        ts.Insert(1, tSkip);
        steps.Insert(0, StepChoice.Ddim with { Method = StepMethod.Teleport });
        for (var i = 2; i < ts.Count - 1; i++)
        {
            if (ts[i] >= ts[i - 1])
            {
                ts[i] = ts[i - 1] * 0.97;
            }
        }
    }
}
