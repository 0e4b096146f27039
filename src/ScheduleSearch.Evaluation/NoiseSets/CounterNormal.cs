using ScheduleSearch.Core.Numerics;

namespace ScheduleSearch.Evaluation.NoiseSets;

/// <summary>
/// A counter-based standard-normal generator: the value at (seed, sample, element) is a pure function of those
/// three integers (SplitMix64 finaliser over the counter, then Box-Muller), so sample i is the same whatever
/// the batch size, the subset drawn or the thread that draws it.
/// </summary>
public static class CounterNormal
{
    /// <summary>The generator's name and version, part of every noise spec (change it when the stream changes).</summary>
    public const string Generator = "splitmix64-box-muller@1";

    private const double TwoPow53Inverse = 1.0 / 9007199254740992.0;

    /// <summary>Writes the standard-normal values of sample <paramref name="sampleIndex"/> into <paramref name="destination"/>.</summary>
    public static void Fill(long seed, long sampleIndex, Span<double> destination)
    {
        // Elements 2j and 2j+1 are the cosine and sine halves of one Box-Muller pair drawn from counter j.
        var pairs = (destination.Length + 1) / 2;
        for (var j = 0; j < pairs; j++)
        {
            var (z0, z1) = Pair(seed, sampleIndex, j);
            destination[2 * j] = z0;
            if ((2 * j) + 1 < destination.Length)
            {
                destination[(2 * j) + 1] = z1;
            }
        }
    }

    /// <summary>The standard-normal value at (<paramref name="seed"/>, <paramref name="sampleIndex"/>, <paramref name="elementIndex"/>).</summary>
    public static double Value(long seed, long sampleIndex, int elementIndex)
    {
        var (z0, z1) = Pair(seed, sampleIndex, elementIndex / 2);
        return elementIndex % 2 == 0 ? z0 : z1;
    }

    private static (double Z0, double Z1) Pair(long seed, long sampleIndex, int pairIndex)
    {
        // Three rounds of mixing so that neighbouring counters give unrelated streams.
        var key = SplitMix64.Mix(unchecked((ulong)seed) ^ 0x5DEECE66DUL);
        key = SplitMix64.Mix(key ^ unchecked((ulong)sampleIndex));
        key = SplitMix64.Mix(key ^ ((ulong)(uint)pairIndex << 1));
        var h1 = SplitMix64.Mix(key ^ 0x9E3779B97F4A7C15UL);
        var h2 = SplitMix64.Mix(key ^ 0xD1B54A32D192ED03UL);

        // u1 in (0, 1] so the logarithm is finite; u2 in [0, 1).
        var u1 = ((h1 >> 11) + 1) * TwoPow53Inverse;
        var u2 = (h2 >> 11) * TwoPow53Inverse;
        var radius = Math.Sqrt(-2.0 * Math.Log(u1));
        var angle = 2.0 * Math.PI * u2;
        return (radius * Math.Cos(angle), radius * Math.Sin(angle));
    }
}
