using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ScheduleSearch.Core.Schedules;

/// <summary>
/// The canonical form of a schedule (keys sorted, defaults dropped, t rounded to 1e-9; name and provenance left
/// out) and its SHA-256, the schedule's key in the score store. Two files that run the same sampler share a key.
/// </summary>
public static class ScheduleKey
{
    /// <summary>Resolution at which timesteps are considered equal.</summary>
    public const double TimeResolution = 1e-9;

    /// <summary>The canonical JSON text (compact, one line).</summary>
    public static string Canonical(SamplerSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            var o = schedule.Options;
            var d = ScheduleOptions.Default;
            if (o != d)
            {
                w.WriteStartObject("options");
                if (o.Afs != d.Afs)
                {
                    w.WriteString("afs", ScheduleNames.Name(o.Afs));
                }

                if (o.ClipOrder != d.ClipOrder)
                {
                    w.WriteBoolean("clip_order", o.ClipOrder);
                }

                if (o.EmsDegenerated != d.EmsDegenerated)
                {
                    w.WriteBoolean("ems_degenerated", o.EmsDegenerated);
                }

                if (o.DenoiseToZero != d.DenoiseToZero)
                {
                    w.WriteBoolean("denoise_to_zero", o.DenoiseToZero);
                }

                if (o.Momentum != d.Momentum)
                {
                    w.WriteNumber("momentum", o.Momentum);
                }

                if (o.TimeShiftWindow != d.TimeShiftWindow)
                {
                    w.WriteNumber("time_shift_window", o.TimeShiftWindow);
                }

                w.WriteEndObject();
            }

            w.WriteStartArray("steps");
            foreach (var step in schedule.Steps)
            {
                ScheduleJson.WriteStep(w, step, canonical: true);
            }

            w.WriteEndArray();
            w.WriteString("time", schedule.Time);
            w.WriteStartArray("timesteps");
            foreach (var t in schedule.Timesteps)
            {
                w.WriteNumberValue(Math.Round(t / TimeResolution) * TimeResolution);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Lower-case hex SHA-256 of the canonical form.</summary>
    public static string Compute(SamplerSchedule schedule) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(schedule))));
}
