using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ScheduleSearch.Core.Schedules;

namespace ScheduleSearch.Storage;

/// <summary>
/// The cache key of an evaluation: lower-case hex SHA-256 over the model's content hash, the metric spec, the
/// noise spec and the canonical schedule. Each part is length-prefixed, so no two different quadruples share
/// the hashed text.
/// </summary>
public static class EvaluationKey
{
    /// <summary>Computes the key from the four canonical strings (the specs in a canonical JSON form).</summary>
    public static string Compute(string modelContentHash, string metricSpec, string noiseSpec, string canonicalSchedule)
    {
        ArgumentNullException.ThrowIfNull(modelContentHash);
        ArgumentNullException.ThrowIfNull(metricSpec);
        ArgumentNullException.ThrowIfNull(noiseSpec);
        ArgumentNullException.ThrowIfNull(canonicalSchedule);
        var text = new StringBuilder("schedule-search/evaluation-key@1\n");
        foreach (var part in (ReadOnlySpan<string>)[modelContentHash, metricSpec, noiseSpec, canonicalSchedule])
        {
            text.Append(part.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(part).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>Computes the key of <paramref name="schedule"/> through its canonical form (<see cref="ScheduleKey.Canonical"/>).</summary>
    public static string Compute(string modelContentHash, string metricSpec, string noiseSpec, SamplerSchedule schedule) =>
        Compute(modelContentHash, metricSpec, noiseSpec, ScheduleKey.Canonical(schedule));
}
