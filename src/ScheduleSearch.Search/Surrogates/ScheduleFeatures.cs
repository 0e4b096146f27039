using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Schedules;

namespace ScheduleSearch.Search.Surrogates;

/// <summary>
/// S3's encoding of a schedule as a fixed-length vector: per step (padded to the NFE) the normalised start
/// lambda, step size h, t, order one-hot, prediction, method, derivative one-hot and corrector; plus the step count.
/// </summary>
internal static class ScheduleFeatures
{
    private const int PerStep = 14;

    public static int Length(int maxSteps) => 1 + (maxSteps * PerStep);

    public static double[] Encode(SamplerSchedule schedule, NoiseSchedule noise, int maxSteps, double lambdaLo, double lambdaHi)
    {
        var f = new double[Length(maxSteps)];
        var range = lambdaHi - lambdaLo;
        f[0] = schedule.Steps.Length / (double)maxSteps;
        for (var i = 0; i < schedule.Steps.Length && i < maxSteps; i++)
        {
            var o = 1 + (i * PerStep);
            var l0 = noise.Lambda(schedule.Timesteps[i]);
            var l1 = noise.Lambda(schedule.Timesteps[i + 1]);
            var s = schedule.Steps[i];
            f[o] = (l0 - lambdaLo) / range;
            f[o + 1] = (l1 - l0) / range * schedule.Steps.Length;
            f[o + 2] = schedule.Timesteps[i + 1];
            f[o + 3 + Math.Clamp(s.Order - 1, 0, 3)] = 1;
            f[o + 7] = s.Prediction == Prediction.Noise ? 1 : 0;
            f[o + 8] = s.Method == StepMethod.Singlestep ? 1 : 0;
            f[o + 9 + s.Derivative switch
            {
                DerivativeForm.Taylor => 0,
                DerivativeForm.DpmSolver => 1,
                DerivativeForm.UniPcBh1 => 2,
                _ => 3,
            }] = 1;
            f[o + 13] = s.Corrector == CorrectorKind.None ? 0 : 1;
        }

        return f;
    }
}
