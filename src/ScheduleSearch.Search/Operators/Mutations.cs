using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Search.Generators;

namespace ScheduleSearch.Search.Operators;

/// <summary>
/// AutoDiffusion's per-gene mutation extended with USF's moves and, when the space has them, the wider space's
/// (<see cref="WideDecisions"/>). Each returns a valid schedule at the context's
/// NFE (through <see cref="ScheduleEditing.Repair"/>) or null when the move found none.
/// </summary>
internal static class Mutations
{
    /// <summary>Every mutation by name (the order is part of the random stream: do not reorder).</summary>
    public static readonly (string Name, Func<GeneratorContext, SamplerSchedule, Random, SamplerSchedule?> Apply)[] All =
    [
        ("move-timesteps", (c, s, r) => MoveTimesteps(c, s, r, 0.25)),
        ("move-one-timestep", MoveOneTimestep),
        ("move-end", MoveEnd),
        ("change-decision", ChangeDecision),
        ("change-decisions-per-gene", ChangeDecisionsPerGene),
        ("move-step", MoveStep),
        ("restructure", Restructure),
        .. WideDecisions.All,
    ];

    /// <summary>Applies one or two randomly chosen mutations (weighted towards timesteps and decisions).</summary>
    public static SamplerSchedule? Mutate(GeneratorContext ctx, SamplerSchedule parent, Random rng)
    {
        var current = parent;
        var moves = rng.Chance(0.3) ? 2 : 1;
        for (var m = 0; m < moves; m++)
        {
            // The wider space's moves (issue 9) take a share only when the space has them, so a plain space keeps its stream.
            if (ctx.Space.IsWide && rng.Chance(WideDecisions.MoveShare(ctx)))
            {
                current = WideDecisions.MutateOne(ctx, current, rng) ?? current;
                continue;
            }

            var roll = rng.NextDouble();
            var index = roll switch
            {
                < 0.30 => 0,
                < 0.45 => 1,
                < 0.50 => 2,
                < 0.72 => 3,
                < 0.82 => 4,
                < 0.92 => 5,
                _ => 6,
            };
            current = All[index].Apply(ctx, current, rng) ?? current;
        }

        return ReferenceEquals(current, parent) ? null : current;
    }

    /// <summary>
    /// USF: Gaussian moves in lambda (scale = fraction of the mean gap) of every interior point from a random one on,
    /// order repaired. Moving a random tail rather than every point keeps the child's first steps, whose sampler state
    /// the evaluator then shares with the parent (issue 6: 19% -> 28% of model calls saved at NFE 5), and searched as
    /// well or better (bench/BENCHMARKS.md, "Prefix sharing").
    /// </summary>
    public static SamplerSchedule? MoveTimesteps(GeneratorContext ctx, SamplerSchedule s, Random rng, double scale)
    {
        var lambdas = ScheduleEditing.Lambdas(ctx, s.Timesteps);
        var meanGap = (lambdas[^1] - lambdas[0]) / (lambdas.Length - 1);
        var from = 1 + rng.Next(Math.Max(1, lambdas.Length - 2));
        var moved = lambdas.Select((l, i) => i < from || i == lambdas.Length - 1 ? l : l + (scale * meanGap * rng.Gaussian())).ToList();
        return Rebuild(ctx, s, moved, rng);
    }

    /// <summary>AutoDiffusion: one timestep gene resampled near its neighbours.</summary>
    public static SamplerSchedule? MoveOneTimestep(GeneratorContext ctx, SamplerSchedule s, Random rng)
    {
        if (s.Timesteps.Length < 3)
        {
            return MoveEnd(ctx, s, rng);
        }

        var lambdas = ScheduleEditing.Lambdas(ctx, s.Timesteps).ToList();
        var i = 1 + rng.Next(lambdas.Count - 2);
        lambdas[i] = lambdas[i - 1] + (rng.NextDouble() * (lambdas[i + 1] - lambdas[i - 1]));
        return Rebuild(ctx, s, lambdas, rng);
    }

    /// <summary>Moves the last point inside the allowed end range (log-uniform), or the interior when the end is fixed.</summary>
    public static SamplerSchedule? MoveEnd(GeneratorContext ctx, SamplerSchedule s, Random rng)
    {
        if (!(ctx.TEndHigh > ctx.TEndLow) || ctx.TEndLow <= 0.0)
        {
            return MoveTimesteps(ctx, s, rng, 0.1);
        }

        var tEnd = Math.Exp(Math.Log(ctx.TEndLow) + (rng.NextDouble() * (Math.Log(ctx.TEndHigh) - Math.Log(ctx.TEndLow))));
        var ts = s.Timesteps.ToArray();
        ts[^1] = Math.Min(tEnd, ts[^2] * 0.999);
        return ScheduleEditing.Repair(ctx, ts, s.Steps, rng, s.Name, s.Options);
    }

    /// <summary>USF: one decision (order, prediction, derivative, corrector or method) of one step changed.</summary>
    public static SamplerSchedule? ChangeDecision(GeneratorContext ctx, SamplerSchedule s, Random rng)
    {
        var steps = s.Steps.ToArray();
        var i = rng.Next(steps.Length);
        steps[i] = ChangeOne(ctx, steps[i], rng);
        return ScheduleEditing.Repair(ctx, s.Timesteps, steps, rng, s.Name, s.Options);
    }

    /// <summary>AutoDiffusion's per-gene mutation: every step's decisions resampled with probability 1/N each.</summary>
    public static SamplerSchedule? ChangeDecisionsPerGene(GeneratorContext ctx, SamplerSchedule s, Random rng)
    {
        var steps = s.Steps.ToArray();
        var p = 1.0 / steps.Length;
        var changed = false;
        for (var i = 0; i < steps.Length; i++)
        {
            if (rng.Chance(p))
            {
                steps[i] = ChangeOne(ctx, steps[i], rng);
                changed = true;
            }
        }

        if (!changed)
        {
            var i = rng.Next(steps.Length);
            steps[i] = ChangeOne(ctx, steps[i], rng);
        }

        return ScheduleEditing.Repair(ctx, s.Timesteps, steps, rng, s.Name, s.Options);
    }

    /// <summary>USF: delete a point and insert one elsewhere (same number of steps, same NFE).</summary>
    public static SamplerSchedule? MoveStep(GeneratorContext ctx, SamplerSchedule s, Random rng)
    {
        if (s.Timesteps.Length < 3)
        {
            return MoveTimesteps(ctx, s, rng, 0.25);
        }

        var lambdas = ScheduleEditing.Lambdas(ctx, s.Timesteps).ToList();
        var steps = s.Steps.ToList();
        var p = 1 + rng.Next(lambdas.Count - 2);
        lambdas.RemoveAt(p);
        steps.RemoveAt(p);
        var at = rng.Next(steps.Count);
        lambdas.Insert(at + 1, lambdas[at] + ((0.2 + (0.6 * rng.NextDouble())) * (lambdas[at + 1] - lambdas[at])));
        steps.Insert(at + 1, steps[at]);
        return Rebuild(ctx, s with { Steps = [.. steps] }, lambdas, rng);
    }

    /// <summary>USF: switch a step between multistep and singlestep (order 2-3); the NFE is kept by merging or splitting intervals.</summary>
    public static SamplerSchedule? Restructure(GeneratorContext ctx, SamplerSchedule s, Random rng)
    {
        if (!ctx.Space.Methods.Contains(StepMethod.Singlestep))
        {
            return MoveStep(ctx, s, rng);
        }

        var steps = s.Steps.ToArray();
        var i = rng.Next(steps.Length);
        steps[i] = steps[i].Method == StepMethod.Singlestep
            ? steps[i] with { Method = StepMethod.Multistep }
            : steps[i] with { Method = StepMethod.Singlestep, Order = rng.Chance(0.6) ? 2 : 3 };
        return ScheduleEditing.Repair(ctx, s.Timesteps, steps, rng, s.Name, s.Options);
    }

    /// <summary>A random schedule: N steps (NFE/3..NFE, mostly NFE), random lambda increments, random decisions.</summary>
    public static SamplerSchedule? RandomSchedule(GeneratorContext ctx, Random rng)
    {
        var n = rng.Chance(0.6) ? ctx.Nfe : 1 + rng.Next(ctx.Nfe);
        var tEnd = ctx.TEndHigh > ctx.TEndLow && ctx.TEndLow > 0
            ? Math.Exp(Math.Log(ctx.TEndLow) + (rng.NextDouble() * (Math.Log(ctx.TEndHigh) - Math.Log(ctx.TEndLow))))
            : ctx.TEndLow;
        var lo = ctx.Noise.Lambda(ctx.TStart);
        var hi = ctx.Noise.Lambda(tEnd);
        var increments = Enumerable.Range(0, n).Select(_ => -Math.Log(1.0 - rng.NextDouble()) + 0.05).ToArray();
        var total = increments.Sum();
        var lambdas = new List<double> { lo };
        for (var i = 0; i < n - 1; i++)
        {
            lambdas.Add(lambdas[^1] + ((hi - lo) * increments[i] / total));
        }

        lambdas.Add(hi);
        var steps = Enumerable.Range(0, n).Select(_ => ScheduleEditing.RandomChoice(ctx, rng)).ToList();
        var ts = ScheduleEditing.Times(ctx, lambdas, ctx.TStart, tEnd).ToList();
        var options = WideDecisions.Randomize(ctx, ts, steps, rng);
        return ScheduleEditing.Repair(ctx, ts, steps, rng, "random", options);
    }

    private static StepChoice ChangeOne(GeneratorContext ctx, StepChoice step, Random rng)
    {
        var space = ctx.Space;
        for (var tries = 0; tries < 8; tries++)
        {
            var changed = rng.Next(5) switch
            {
                0 => step with { Order = rng.Pick(space.Orders) },
                1 => step with { Prediction = rng.Pick(space.Predictions) },
                2 => step with { Derivative = rng.Pick(space.Derivatives) },
                3 => step with { Corrector = rng.Pick(space.Correctors) },
                _ => step with { Method = rng.Pick(space.Methods) },
            };
            if (changed != step)
            {
                return changed;
            }
        }

        return step;
    }

    private static SamplerSchedule? Rebuild(GeneratorContext ctx, SamplerSchedule s, List<double> lambdas, Random rng)
    {
        var ordered = ScheduleEditing.OrderLambdas(ctx, lambdas);
        var ts = ScheduleEditing.Times(ctx, ordered, s.Timesteps[0], s.Timesteps[^1]);
        return ScheduleEditing.Repair(ctx, ts, s.Steps, rng, s.Name, s.Options);
    }
}
