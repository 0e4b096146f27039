using System.Globalization;
using System.Text;
using ScheduleSearch.Core.Schedules;

namespace ScheduleSearch.Core.Solvers;

/// <summary>
/// The identity of a schedule's start as the executor sees it: two schedules with the same prefix key at step k reach
/// the same <see cref="SamplerState"/> there (given the same model, noise and batch), so one can resume from the
/// other's state. The key holds, exactly (doubles by their bits), everything read up to step k's anchor evaluation:
/// the options read so far, the points t_0..t_k, every field of steps 0..k-1, and of step k whether it teleports (no
/// anchor) and the model variant and time shift its anchor is evaluated with (by step k-1's corrector or by step k).
/// </summary>
public static class SamplerPrefix
{
    /// <summary>True when the state at step <paramref name="steps"/> can be captured and resumed: 0 to the last step.</summary>
    public static bool CanCapture(SamplerSchedule schedule, int steps)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return steps >= 0 && steps < schedule.Steps.Length;
    }

    /// <summary>The prefix key of <paramref name="schedule"/> at step <paramref name="steps"/> (that many steps done).</summary>
    public static string Key(SamplerSchedule schedule, int steps)
    {
        if (!CanCapture(schedule, steps))
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps, $"a prefix state is at step 0 to {schedule.Steps.Length - 1} of this schedule's {schedule.Steps.Length}");
        }

        var o = schedule.Options;
        var key = new StringBuilder(64 + (steps * 96));
        // Options read up to here: afs and the variance-matching window by step 0's anchor, clip_order and momentum by
        // every step's update. denoise_to_zero is read only after the last step.
        key.Append(schedule.Time).Append("|o:").Append((int)o.Afs);
        Bits(key, o.TimeShiftWindow);
        if (steps > 0)
        {
            key.Append(o.ClipOrder ? ",clip" : ",full");
            Bits(key, o.Momentum);
        }

        key.Append("|t:");
        Bits(key, schedule.Timesteps[0]);
        for (var i = 0; i < steps; i++)
        {
            var s = schedule.Steps[i];
            key.Append("|s:").Append((int)s.Method).Append(',').Append(s.Order.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append((int)s.Prediction).Append(',').Append((int)s.Derivative).Append(',').Append((int)s.Corrector);
            Bits(key, s.LinearC);
            Bits(key, s.TimeShift);
            Bits(key, s.Compensation);
            Model(key, s.Model);
            key.Append("|t:");
            Bits(key, schedule.Timesteps[i + 1]);
        }

        // Step k's anchor (evaluated by step k-1's corrector or at the start of step k) uses step k's model and time shift.
        var next = schedule.Steps[steps];
        key.Append("|next:").Append(next.Method == StepMethod.Teleport ? "teleport" : "anchor");
        Bits(key, next.TimeShift);
        Model(key, next.Model);
        return key.ToString();
    }

    private static void Bits(StringBuilder key, double value) =>
        key.Append(',').Append(BitConverter.DoubleToInt64Bits(value).ToString("x16", CultureInfo.InvariantCulture));

    private static void Model(StringBuilder key, string? model) =>
        key.Append(",m").Append(model is null ? "-" : model.Length.ToString(CultureInfo.InvariantCulture) + ":" + model);
}
