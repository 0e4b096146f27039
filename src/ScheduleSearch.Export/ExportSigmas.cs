using ScheduleSearch.Core.Noise;

namespace ScheduleSearch.Export;

/// <summary>
/// The sigmas other samplers take: N+1 values ending at 0 (k-diffusion's and diffusers' convention). Sigma is the
/// VE-view sigma(t)/alpha(t) (k-diffusion's sigma for VP models, t itself for EDM) and t itself for flow models
/// (diffusers' flow-matching convention). A schedule ending above 0 has its last point replaced by 0: the last
/// step then denoises fully, as those samplers do.
/// </summary>
public static class ExportSigmas
{
    /// <summary>The N+1 sigmas of <paramref name="winner"/>, final 0, and the sigma the last point had before (0 when it ended there).</summary>
    public static (double[] Sigmas, double ReplacedFinal) Of(ExportedSchedule winner)
    {
        ArgumentNullException.ThrowIfNull(winner);
        var ts = winner.Schedule.Timesteps;
        var sigmas = ts.Select(t => Sigma(winner.Noise, t)).ToArray();
        var replaced = sigmas[^1];
        sigmas[^1] = 0.0;
        return (sigmas, replaced);
    }

    /// <summary>The sigma of time <paramref name="t"/> under <paramref name="noise"/>.</summary>
    public static double Sigma(NoiseSchedule noise, double t)
    {
        ArgumentNullException.ThrowIfNull(noise);
        if (t == 0.0)
        {
            return 0.0;
        }

        return noise is FlowSchedule ? t : noise.VeSigma(t);
    }

    /// <summary>
    /// The model's integer training timesteps of the N evaluated points (diffusers' <c>timesteps=</c>), descending, for
    /// discrete-time (VP discrete) models; null for continuous-time models.
    /// </summary>
    public static int[]? DiscreteTimesteps(ExportedSchedule winner)
    {
        ArgumentNullException.ThrowIfNull(winner);
        if (winner.Noise is not VpDiscreteSchedule vp)
        {
            return null;
        }

        var ts = winner.Schedule.Timesteps;
        return ts.Take(ts.Length - 1)
            .Select(t => (int)Math.Clamp(Math.Round(vp.TrainSteps * (t - (1.0 / vp.TrainSteps))), 0, vp.TrainSteps - 1))
            .ToArray();
    }
}
