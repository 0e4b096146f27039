using System.Globalization;

namespace ScheduleSearch.Evaluation.NoiseSets;

/// <summary>
/// Which noise a score was computed on: the first <see cref="Samples"/> samples of the stream of
/// <see cref="Seed"/> drawn by <see cref="CounterNormal"/>. Part of every evaluation's cache key, so a fidelity
/// (a prefix length) and the held-out set (another seed) each have keys of their own.
/// </summary>
/// <param name="Seed">The stream's seed.</param>
/// <param name="Samples">How many samples, from sample 0.</param>
public sealed record NoiseSpec(int Seed, int Samples)
{
    /// <summary>The canonical JSON form hashed into the cache key (fields sorted, invariant culture).</summary>
    public string ToCanonicalJson() => string.Create(
        CultureInfo.InvariantCulture,
        $"{{\"generator\":\"{CounterNormal.Generator}\",\"samples\":{Samples},\"seed\":{Seed}}}");
}
