using System.Globalization;

namespace ScheduleSearch.Evaluation.NoiseSets;

/// <summary>
/// Which noise a score was computed on: the first <see cref="Samples"/> samples of the stream of
/// <see cref="Seed"/> drawn by <see cref="CounterNormal"/>. Part of every evaluation's cache key, so a fidelity
/// (a prefix length) and the held-out set (another seed) each have keys of their own. Noise the user gives
/// (<see cref="NoiseSet.FromValues"/>) has no seed: it is named by <see cref="ContentHash"/>.
/// </summary>
/// <param name="Seed">The stream's seed.</param>
/// <param name="Samples">How many samples, from sample 0.</param>
public sealed record NoiseSpec(int Seed, int Samples)
{
    /// <summary>For noise read from a file: "sha256:" and the hash of its values (<see cref="NoiseSet.FromValues"/>); null for drawn noise.</summary>
    public string? ContentHash { get; init; }

    /// <summary>The canonical JSON form hashed into the cache key (fields sorted, invariant culture).</summary>
    public string ToCanonicalJson() => ContentHash is { } hash
        ? string.Create(CultureInfo.InvariantCulture, $"{{\"content\":\"{hash}\",\"samples\":{Samples}}}")
        : string.Create(CultureInfo.InvariantCulture, $"{{\"generator\":\"{CounterNormal.Generator}\",\"samples\":{Samples},\"seed\":{Seed}}}");
}
