namespace ScheduleSearch.Core.Numerics;

/// <summary>
/// The SplitMix64 finaliser (Steele, Lea and Flood 2014): a fixed bijection of 64-bit words that spreads neighbouring
/// inputs apart. The tool derives reproducible streams from (seed, counter, ...) tuples with it, where
/// <see cref="HashCode"/> is randomised per process and cannot.
/// </summary>
public static class SplitMix64
{
    /// <summary>The finaliser of <paramref name="z"/>.</summary>
    public static ulong Mix(ulong z)
    {
        unchecked
        {
            z += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
