using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Schedules;

namespace ScheduleSearch.Search.Surrogates;

/// <summary>
/// S3's encoding of a schedule as a fixed-length vector. Per step (padded to the NFE): the normalised start lambda,
/// step size h (times the step count), the ratio h_i / h_(i-1), log t of the end point, order one-hot, prediction,
/// method, derivative one-hot, corrector, and the wide decisions (time shift relative to t, compensation - 1,
/// another model variant, the method's code). Schedule-wide: step count, momentum, analytical first step.
/// </summary>
internal static class ScheduleFeatures
{
    private const int PerStep = 19;
    private const int Global = 3;

    public static int Length(int maxSteps) => Global + (maxSteps * PerStep);

    public static double[] Encode(SamplerSchedule schedule, NoiseSchedule noise, int maxSteps, double lambdaLo, double lambdaHi)
    {
        var f = new double[Length(maxSteps)];
        var range = lambdaHi - lambdaLo;
        var n = schedule.Steps.Length;
        f[0] = n / (double)maxSteps;
        f[1] = schedule.Options.Momentum;
        f[2] = (int)schedule.Options.Afs;
        var previousH = 0.0;
        for (var i = 0; i < n && i < maxSteps; i++)
        {
            var o = Global + (i * PerStep);
            var t0 = schedule.Timesteps[i];
            var t1 = schedule.Timesteps[i + 1];
            var l0 = noise.Lambda(t0);
            var h = noise.Lambda(t1) - l0;
            var s = schedule.Steps[i];
            f[o] = (l0 - lambdaLo) / range;
            f[o + 1] = h / range * n;
            f[o + 2] = i > 0 && previousH > 0 ? Math.Log(h / previousH) : 0;
            f[o + 3] = Math.Log(Math.Max(t1, 1e-12));
            f[o + 4 + Math.Clamp(s.Order - 1, 0, 3)] = 1;
            f[o + 8] = s.Prediction == Prediction.Noise ? 1 : 0;
            f[o + 9] = s.Method == StepMethod.Singlestep ? 1 : 0;
            f[o + 10 + s.Derivative switch
            {
                DerivativeForm.Taylor => 0,
                DerivativeForm.DpmSolver => 1,
                DerivativeForm.UniPcBh1 => 2,
                _ => 3,
            }] = 1;
            f[o + 14] = s.Corrector == CorrectorKind.None ? 0 : 1;
            f[o + 15] = t0 > 0 ? s.TimeShift / t0 : 0;
            f[o + 16] = s.Compensation - 1;
            f[o + 17] = s.Model is null ? 0 : 1;
            f[o + 18] = (int)s.Method;
            previousH = h;
        }

        return f;
    }
}
