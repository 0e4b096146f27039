using ScheduleSearch.Core.Noise;

namespace ScheduleSearch.Core.Spacings;

/// <summary>
/// Spacing functions (k-diffusion's get_sigmas_*, DPM-Solver's get_time_steps): each returns N + 1 times from
/// t_start down to t_end as a plain array and never decides anything else. An end of exactly 0 (EDM, flow) puts
/// N - 1 intervals down to the model's smallest t and appends 0, as k-diffusion appends sigma = 0.
/// </summary>
public static class Grids
{
    /// <summary>N + 1 times for <paramref name="intervals"/> intervals under <paramref name="spacing"/>.</summary>
    public static double[] Build(Spacing spacing, NoiseSchedule schedule, int intervals, double tStart, double tEnd)
    {
        ArgumentNullException.ThrowIfNull(spacing);
        ArgumentNullException.ThrowIfNull(schedule);
        if (intervals < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(intervals), intervals, "a grid needs at least one interval");
        }

        if (!(tStart > tEnd))
        {
            throw new ArgumentException($"t_start {tStart} must be above t_end {tEnd}");
        }

        if (tEnd == 0.0)
        {
            if (!schedule.AllowsZeroEnd)
            {
                throw new ArgumentException($"a {schedule.Kind} schedule cannot end at t = 0 (sigma would be 0 only for edm and flow)");
            }

            if (intervals == 1)
            {
                return [tStart, 0.0];
            }

            var head = Build(spacing, schedule, intervals - 1, tStart, schedule.TMin);
            return [.. head, 0.0];
        }

        return spacing.Kind switch
        {
            SpacingKind.TimeUniform => Linspace(tStart, tEnd, intervals + 1),
            SpacingKind.TimeQuadratic => Linspace(Math.Sqrt(tStart), Math.Sqrt(tEnd), intervals + 1).Select(v => v * v).ToArray(),
            SpacingKind.LogSnrUniform => LogSnr(schedule, intervals, tStart, tEnd),
            SpacingKind.Karras => Karras(schedule, intervals, tStart, tEnd, spacing.Rho),
            SpacingKind.Explicit => Resize(schedule, spacing.Points ?? throw new ArgumentException("an explicit spacing needs points"), intervals),
            SpacingKind.FlowShift => FlowShifted(schedule, intervals, tStart, tEnd, spacing.Shift),
            _ => throw new ArgumentOutOfRangeException(nameof(spacing), spacing.Kind, "unknown spacing"),
        };
    }

    /// <summary>torch.linspace: the first half counts up from start, the second half down from end.</summary>
    public static double[] Linspace(double start, double end, int count)
    {
        var values = new double[count];
        if (count == 1)
        {
            values[0] = start;
            return values;
        }

        var step = (end - start) / (count - 1);
        var half = count / 2;
        for (var i = 0; i < count; i++)
        {
            values[i] = i < half ? start + (i * step) : end - ((count - 1 - i) * step);
        }

        return values;
    }

    /// <summary>Equal steps in lambda, mapped back with t(lambda) (DPM-Solver's logSNR skip type).</summary>
    public static double[] LogSnr(NoiseSchedule schedule, int intervals, double tStart, double tEnd)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var lambdas = Linspace(schedule.Lambda(tStart), schedule.Lambda(tEnd), intervals + 1);
        if (lambdas.Any(l => !double.IsFinite(l)))
        {
            throw new ArgumentException($"logsnr-uniform spacing needs a finite log-SNR at both ends (t = {tStart} .. {tEnd})");
        }

        return lambdas.Select(schedule.InverseLambda).ToArray();
    }

    /// <summary>Karras's rho-spacing of the VE noise level sigma/alpha, mapped back to t.</summary>
    public static double[] Karras(NoiseSchedule schedule, int intervals, double tStart, double tEnd, double rho = 7.0)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var maxInvRho = Math.Pow(schedule.VeSigma(tStart), 1.0 / rho);
        var minInvRho = Math.Pow(schedule.VeSigma(tEnd), 1.0 / rho);
        var ramp = Linspace(0.0, 1.0, intervals + 1);
        var times = new double[intervals + 1];
        for (var i = 0; i <= intervals; i++)
        {
            var veSigma = Math.Pow(maxInvRho + (ramp[i] * (minInvRho - maxInvRho)), rho);
            times[i] = schedule.TimeOfVeSigma(veSigma);
        }

        // Keep the ends exact: the round trip through t(lambda) may move them by an ulp.
        times[0] = tStart;
        times[^1] = tEnd;
        return times;
    }

    /// <summary>
    /// SD3/Flux's shifted flow spacing: equal steps in the unshifted time u, each mapped to t = s u / (1 + (s - 1) u), as
    /// diffusers' FlowMatchEulerDiscreteScheduler.set_timesteps maps its linspace of sigmas. The ends are the grid's own
    /// (u runs between the unshifted images of t_start and t_end), so only where the steps fall comes from the shift:
    /// with s above 1 they crowd at high noise.
    /// </summary>
    public static double[] FlowShifted(NoiseSchedule schedule, int intervals, double tStart, double tEnd, double shift)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (schedule.Kind != FlowSchedule.KindName)
        {
            throw new ArgumentException($"the flow-shift spacing applies to flow schedules (t = sigma), not {schedule.Kind}");
        }

        if (!(shift > 0) || !double.IsFinite(shift))
        {
            throw new ArgumentOutOfRangeException(nameof(shift), shift, "a flow shift must be a positive number");
        }

        // u = t / (s - (s - 1) t) inverts t = s u / (1 + (s - 1) u).
        double Unshift(double t) => t / (shift - ((shift - 1.0) * t));
        var times = Linspace(Unshift(tStart), Unshift(tEnd), intervals + 1)
            .Select(u => shift * u / (1.0 + ((shift - 1.0) * u))).ToArray();
        times[0] = tStart;
        times[^1] = tEnd;
        return times;
    }

    /// <summary>
    /// Resizes a stored list of times to <paramref name="intervals"/> intervals by linear interpolation of
    /// log(sigma/alpha) over an equal-spaced index (how AYS and GITS schedules are stretched to other lengths).
    /// A final 0 stays the final 0.
    /// </summary>
    public static double[] Resize(NoiseSchedule schedule, IReadOnlyList<double> times, int intervals)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(times);
        if (times.Count < 2)
        {
            throw new ArgumentException("an explicit list needs at least two times", nameof(times));
        }

        if (times.Count == intervals + 1)
        {
            return [.. times];
        }

        if (times[^1] == 0.0)
        {
            var head = Resize(schedule, times.Take(times.Count - 1).ToArray(), intervals - 1);
            return [.. head, 0.0];
        }

        var logs = times.Select(t => Math.Log(schedule.VeSigma(t))).ToArray();
        var source = Linspace(0.0, 1.0, logs.Length);
        var target = Linspace(0.0, 1.0, intervals + 1);
        var result = new double[intervals + 1];
        for (var i = 0; i <= intervals; i++)
        {
            var x = target[i];
            var k = Math.Min((int)Math.Floor(x * (logs.Length - 1)), logs.Length - 2);
            var frac = (x - source[k]) / (source[k + 1] - source[k]);
            result[i] = schedule.TimeOfVeSigma(Math.Exp(logs[k] + (frac * (logs[k + 1] - logs[k]))));
        }

        result[0] = times[0];
        result[^1] = times[^1];
        return result;
    }
}
