using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Search.Generators;

namespace ScheduleSearch.Search.Operators;

/// <summary>
/// The timestep parameterisation SEARCH-NOTES.md found strongest: a grid is its positive increments of lambda
/// between fixed ends, written as softmax(z) times the whole range, so every z gives a valid ascending grid.
/// </summary>
internal static class LambdaIncrements
{
    /// <summary>z = log of each increment of lambda (defined up to an additive constant).</summary>
    public static double[] ToParameters(GeneratorContext ctx, IReadOnlyList<double> timesteps)
    {
        var l = ScheduleEditing.Lambdas(ctx, timesteps);
        return Enumerable.Range(0, l.Length - 1).Select(i => Math.Log(Math.Max(l[i + 1] - l[i], 1e-9))).ToArray();
    }

    /// <summary>The grid of <paramref name="z"/> between <paramref name="tStart"/> and <paramref name="tEnd"/>.</summary>
    public static double[] ToTimesteps(GeneratorContext ctx, IReadOnlyList<double> z, double tStart, double tEnd)
    {
        var lo = ctx.Noise.Lambda(tStart);
        var hi = ctx.Noise.Lambda(tEnd);
        var max = z.Max();
        var e = z.Select(v => Math.Exp(Math.Clamp(v - max, -30, 0))).ToArray();
        var sum = e.Sum();
        var lambdas = new List<double> { lo };
        for (var i = 0; i < e.Length - 1; i++)
        {
            lambdas.Add(lambdas[^1] + ((hi - lo) * e[i] / sum));
        }

        lambdas.Add(hi);
        return ScheduleEditing.Times(ctx, ScheduleEditing.OrderLambdas(ctx, lambdas), tStart, tEnd);
    }

    /// <summary>The template's decisions on the grid of <paramref name="z"/>, repaired (null when invalid); options default to the template's.</summary>
    public static SamplerSchedule? Apply(GeneratorContext ctx, SamplerSchedule template, IReadOnlyList<double> z, IReadOnlyList<StepChoice> steps, Random rng, string name, ScheduleOptions? options = null)
    {
        var ts = ToTimesteps(ctx, z, template.Timesteps[0], template.Timesteps[^1]);
        var schedule = ScheduleEditing.Repair(ctx, ts, steps, rng, name, options ?? template.Options);
        return schedule is not null && schedule.Steps.Length == steps.Count ? schedule : null;
    }
}
