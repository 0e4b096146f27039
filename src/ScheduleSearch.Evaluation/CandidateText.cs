using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ScheduleSearch.Core.Schedules;

namespace ScheduleSearch.Evaluation;

/// <summary>
/// A candidate's canonical text, schedule key, JSON and NFE, with a stable stand-in for a schedule that has none: a
/// schedule with non-finite timesteps has no canonical JSON (JSON has no NaN), yet it still gets a stable key and a
/// failed record rather than an exception.
/// </summary>
internal static class CandidateText
{
    /// <summary>The canonical form hashed into evaluation keys (<see cref="Core.Schedules.ScheduleKey.Canonical"/>), or the stand-in.</summary>
    public static string Canonical(SamplerSchedule schedule)
    {
        try
        {
            return Core.Schedules.ScheduleKey.Canonical(schedule);
        }
        catch (ArgumentException)
        {
            return Fallback(schedule);
        }
    }

    /// <summary>The schedule's key: SHA-256 of <see cref="Canonical"/>.</summary>
    public static string ScheduleKey(SamplerSchedule schedule) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(schedule))));

    /// <summary>The schedule's JSON, or the stand-in.</summary>
    public static string Json(SamplerSchedule schedule)
    {
        try
        {
            return ScheduleJson.Write(schedule);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return Fallback(schedule);
        }
    }

    /// <summary>The schedule's NFE, or its number of steps where it has none.</summary>
    public static int Nfe(SamplerSchedule schedule)
    {
        try
        {
            return schedule.Nfe;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IndexOutOfRangeException)
        {
            return schedule.Steps.IsDefault ? 0 : schedule.Steps.Length;
        }
    }

    private static string Fallback(SamplerSchedule schedule) =>
        "invalid-schedule:" + string.Join(",", schedule.Timesteps.Select(t => t.ToString("R", CultureInfo.InvariantCulture)))
        + ":" + string.Join(";", schedule.Steps.Select(s => s.ToString())) + ":" + schedule.Options;
}
