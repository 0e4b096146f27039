using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Schedules;

namespace ScheduleSearch.Core.Tests.Support;

/// <summary>Random schedules over the whole decision table, valid or not (tests filter with the validator).</summary>
internal static class RandomSchedules
{
    public static SamplerSchedule Create(Random rng, NoiseSchedule noise, bool clipOrder = true)
    {
        var n = rng.Next(1, 9);
        var times = Enumerable.Range(0, n - 1).Select(_ => noise.TMin + (rng.NextDouble() * (noise.TMax - noise.TMin))).ToList();
        times.Add(noise.TMax);
        times.Add(noise.DefaultTEnd == 0 ? 0 : noise.TMin);
        var grid = times.Distinct().OrderByDescending(t => t).ToArray();
        var steps = new List<StepChoice>();
        for (var i = 0; i < grid.Length - 1; i++)
        {
            steps.Add(Step(rng));
        }

        return new SamplerSchedule("random", noise.Kind, grid, steps, new ScheduleOptions { ClipOrder = clipOrder, DenoiseToZero = rng.Next(4) == 0 });
    }

    /// <summary>One random step choice (any method, order, prediction, derivative and corrector).</summary>
    public static StepChoice Step(Random rng)
    {
        var method = rng.Next(10) switch
        {
            < 5 => StepMethod.Multistep,
            < 7 => StepMethod.Singlestep,
            7 => StepMethod.Euler,
            8 => StepMethod.Heun,
            _ => rng.Next(2) == 0 ? StepMethod.Ipndm : StepMethod.Plms,
        };
        var ve = method is StepMethod.Euler or StepMethod.Heun or StepMethod.Ipndm or StepMethod.Plms;
        var derivative = ve ? DerivativeForm.DpmSolver : (DerivativeForm)rng.Next(0, 5);
        return new StepChoice
        {
            Method = method,
            Order = method switch { StepMethod.Euler => 1, StepMethod.Heun => 2, StepMethod.Singlestep => rng.Next(1, 4), _ => rng.Next(1, 5) },
            Prediction = ve ? Prediction.Data : (rng.Next(2) == 0 ? Prediction.Data : Prediction.Noise),
            Derivative = derivative,
            LinearC = derivative == DerivativeForm.Linear ? 0.3 : 0.0,
            Corrector = ve ? CorrectorKind.None : (CorrectorKind)rng.Next(0, 3),
        };
    }
}
