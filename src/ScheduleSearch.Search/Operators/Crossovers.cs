using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Search.Generators;
using ScheduleSearch.Search.Specs;

namespace ScheduleSearch.Search.Operators;

/// <summary>
/// AutoDiffusion's uniform crossover and USF's deep per-step crossover, and a one-point cut in lambda; each child is
/// repaired to the NFE. Under <see cref="Breeding.Prefix"/> the uniform kinds act from a random step k on (k uniform in
/// 0..N-1), keeping the first parent's first k steps, so the child resumes from that parent's sampler state in the
/// evaluator's prefix cache (issue 6) instead of starting over.
/// </summary>
internal static class Crossovers
{
    /// <summary>Every crossover by name.</summary>
    public static readonly (string Name, Func<GeneratorContext, SamplerSchedule, SamplerSchedule, Random, SamplerSchedule?> Apply)[] All =
    [
        ("uniform", Uniform),
        ("deep-per-step", DeepPerStep),
        ("lambda-cut", LambdaCut),
    ];

    /// <summary>Picks a crossover that fits the parents (uniform kinds need equal step counts).</summary>
    public static SamplerSchedule? Cross(GeneratorContext ctx, SamplerSchedule a, SamplerSchedule b, Random rng)
    {
        if (a.Steps.Length != b.Steps.Length)
        {
            return LambdaCut(ctx, a, b, rng);
        }

        return rng.Chance(0.5) ? Uniform(ctx, a, b, rng) : DeepPerStep(ctx, a, b, rng);
    }

    /// <summary>AutoDiffusion: each timestep gene and each step's whole choice from either parent (after the kept first steps).</summary>
    public static SamplerSchedule? Uniform(GeneratorContext ctx, SamplerSchedule a, SamplerSchedule b, Random rng)
    {
        if (a.Steps.Length != b.Steps.Length)
        {
            return LambdaCut(ctx, a, b, rng);
        }

        var keep = Kept(ctx, a, rng);
        var ts = a.Timesteps.Select((t, i) => i <= keep || rng.Chance(0.5) ? t : b.Timesteps[i]).ToArray();
        var steps = a.Steps.Select((s, i) => i < keep || rng.Chance(0.5) ? s : b.Steps[i]).ToArray();
        return Finish(ctx, ts, steps, rng, a, CrossOptions(ctx, a, b, rng));
    }

    /// <summary>
    /// USF: each decision of each step from either parent independently; timesteps blended in lambda (after the kept
    /// first steps).
    /// </summary>
    public static SamplerSchedule? DeepPerStep(GeneratorContext ctx, SamplerSchedule a, SamplerSchedule b, Random rng)
    {
        if (a.Steps.Length != b.Steps.Length)
        {
            return LambdaCut(ctx, a, b, rng);
        }

        var keep = Kept(ctx, a, rng);
        var steps = a.Steps.Select((s, i) =>
        {
            if (i < keep)
            {
                return s;
            }

            var o = b.Steps[i];
            return s with
            {
                Method = rng.Chance(0.5) ? s.Method : o.Method,
                Order = rng.Chance(0.5) ? s.Order : o.Order,
                Prediction = rng.Chance(0.5) ? s.Prediction : o.Prediction,
                Derivative = rng.Chance(0.5) ? s.Derivative : o.Derivative,
                Corrector = rng.Chance(0.5) ? s.Corrector : o.Corrector,
            };
        }).ToArray();
        if (ctx.Space.TimeShift || ctx.Space.Compensation)
        {
            steps = steps.Select((s, i) => i < keep ? s : s with
            {
                TimeShift = rng.Chance(0.5) ? a.Steps[i].TimeShift : b.Steps[i].TimeShift,
                Compensation = rng.Chance(0.5) ? a.Steps[i].Compensation : b.Steps[i].Compensation,
            }).ToArray();
        }

        var w = rng.NextDouble();
        var la = ScheduleEditing.Lambdas(ctx, a.Timesteps);
        var lb = ScheduleEditing.Lambdas(ctx, b.Timesteps);
        var lambdas = la.Select((l, i) => i <= keep ? l : (w * l) + ((1 - w) * lb[i])).ToList();
        var ts = ScheduleEditing.Times(ctx, ScheduleEditing.OrderLambdas(ctx, lambdas), a.Timesteps[0], rng.Chance(0.5) ? a.Timesteps[^1] : b.Timesteps[^1]);
        return Finish(ctx, ts, steps, rng, a, CrossOptions(ctx, a, b, rng));
    }

    /// <summary>
    /// The number of first steps a uniform crossover keeps from the first parent: uniform in 0..N-1 under
    /// <see cref="Breeding.Prefix"/>; -1 (none, and no random draw, so mixing keeps its stream) otherwise.
    /// </summary>
    private static int Kept(GeneratorContext ctx, SamplerSchedule a, Random rng) =>
        ctx.Breeding == Breeding.Prefix ? rng.Next(a.Steps.Length) : -1;

    /// <summary>One cut in lambda: the first parent's steps before it, the second's after (step counts may differ).</summary>
    public static SamplerSchedule? LambdaCut(GeneratorContext ctx, SamplerSchedule a, SamplerSchedule b, Random rng)
    {
        var la = ScheduleEditing.Lambdas(ctx, a.Timesteps);
        var lb = ScheduleEditing.Lambdas(ctx, b.Timesteps);
        var cut = la[0] + (rng.NextDouble() * (la[^1] - la[0]));
        var ts = new List<double>();
        var steps = new List<StepChoice>();
        for (var i = 0; i < a.Steps.Length && la[i] < cut; i++)
        {
            ts.Add(a.Timesteps[i]);
            steps.Add(a.Steps[i]);
        }

        for (var i = 0; i < b.Steps.Length; i++)
        {
            if (lb[i] >= cut || (ts.Count == 0 && i == 0))
            {
                ts.Add(i == 0 && ts.Count == 0 ? a.Timesteps[0] : b.Timesteps[i]);
                steps.Add(b.Steps[i]);
            }
        }

        ts.Add(b.Timesteps[^1]);
        return Finish(ctx, ts, steps, rng, a, CrossOptions(ctx, a, b, rng));
    }

    /// <summary>The schedule-wide wide decisions (momentum, afs) each from either parent; the first parent's options in a plain space.</summary>
    private static ScheduleOptions CrossOptions(GeneratorContext ctx, SamplerSchedule a, SamplerSchedule b, Random rng)
    {
        if (!ctx.Space.Momentum && ctx.Space.AfsModes.Length == 0)
        {
            return a.Options;
        }

        return a.Options with
        {
            Momentum = rng.Chance(0.5) ? a.Options.Momentum : b.Options.Momentum,
            Afs = rng.Chance(0.5) ? a.Options.Afs : b.Options.Afs,
        };
    }

    private static SamplerSchedule? Finish(GeneratorContext ctx, IReadOnlyList<double> ts, IReadOnlyList<StepChoice> steps, Random rng, SamplerSchedule a, ScheduleOptions options)
    {
        var lambdas = ScheduleEditing.OrderLambdas(ctx, ts.Select(ctx.Noise.Lambda).ToList());
        return ScheduleEditing.Repair(ctx, ScheduleEditing.Times(ctx, lambdas, ts[0], ts[^1]), steps, rng, a.Name, options);
    }
}
