using System.Globalization;
using System.Text;
using ScheduleSearch.Core.Schedules;

namespace ScheduleSearch.Core.Solvers;

/// <summary>
/// The identity of a schedule's first steps as the executor sees them: two schedules with the same prefix key for k
/// steps leave the same <see cref="SamplerState"/> after those steps (given the same model, noise and batch), so one
/// can resume from the other's state. The key holds, exactly (doubles by their bits), everything steps 0..k-1 read:
/// the points t_0..t_k, every field of those steps, every option, and, where step k-1 has a corrector (which
/// evaluates the model for step k's anchor), step k's model variant and time shift.
/// </summary>
public static class SamplerPrefix
{
    /// <summary>True when <paramref name="steps"/> is a prefix that can be captured and resumed: 1 to all steps but the last.</summary>
    public static bool CanCapture(SamplerSchedule schedule, int steps)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return steps >= 1 && steps < schedule.Steps.Length;
    }

    /// <summary>The prefix key of the first <paramref name="steps"/> steps of <paramref name="schedule"/>.</summary>
    public static string Key(SamplerSchedule schedule, int steps)
    {
        if (!CanCapture(schedule, steps))
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps, $"a prefix has 1 to {schedule.Steps.Length - 1} steps of this schedule's {schedule.Steps.Length}");
        }

        var o = schedule.Options;
        var key = new StringBuilder(64 + (steps * 96));
        key.Append(schedule.Time).Append("|o:").Append(o.DenoiseToZero ? '1' : '0').Append((int)o.Afs).Append(o.ClipOrder ? '1' : '0');
        Bits(key, o.Momentum);
        Bits(key, o.TimeShiftWindow);
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

        if (schedule.Steps[steps - 1].Corrector != CorrectorKind.None)
        {
            // The corrector of step k-1 evaluates the model for step k's anchor, with step k's model and time shift.
            var next = schedule.Steps[steps];
            key.Append("|next:");
            Bits(key, next.TimeShift);
            Model(key, next.Model);
        }

        return key.ToString();
    }

    private static void Bits(StringBuilder key, double value) =>
        key.Append(',').Append(BitConverter.DoubleToInt64Bits(value).ToString("x16", CultureInfo.InvariantCulture));

    private static void Model(StringBuilder key, string? model) =>
        key.Append(",m").Append(model is null ? "-" : model.Length.ToString(CultureInfo.InvariantCulture) + ":" + model);
}
