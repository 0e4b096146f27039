using ScheduleSearch.Core.Numerics;

namespace ScheduleSearch.Core.Ems;

/// <summary>
/// Reproducible draws: each (pass, grid point, batch) gets its own generator seeded from the seed and those three
/// numbers (Box-Muller normals, fair-coin Rademacher signs), so threads may visit grid points in any order.
/// </summary>
public sealed class SeededEmsDraws(int seed) : IEmsDraws
{
    /// <inheritdoc />
    public void Rademacher(int gridIndex, int batch, Span<double> v)
    {
        var rng = Generator(0, gridIndex, batch);
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = rng.Next(2) == 0 ? -1.0 : 1.0;
        }
    }

    /// <inheritdoc />
    public void FirstPassNoise(int gridIndex, int batch, Span<double> z) => Normal(Generator(1, gridIndex, batch), z);

    /// <inheritdoc />
    public void SecondPassNoise(int gridIndex, int batch, Span<double> z) => Normal(Generator(2, gridIndex, batch), z);

    // SplitMix64 over the four numbers (HashCode.Combine is randomised per process, so it cannot seed reproducibly).
    private Random Generator(int pass, int gridIndex, int batch)
    {
        var h = SplitMix64.Mix((ulong)(uint)seed);
        h = SplitMix64.Mix(h ^ (ulong)(uint)pass);
        h = SplitMix64.Mix(h ^ (ulong)(uint)gridIndex);
        h = SplitMix64.Mix(h ^ (ulong)(uint)batch);
        return new Random((int)(h & 0x7FFF_FFFF));
    }

    private static void Normal(Random rng, Span<double> z)
    {
        for (var i = 0; i < z.Length; i += 2)
        {
            var u1 = 1.0 - rng.NextDouble();
            var u2 = rng.NextDouble();
            var r = Math.Sqrt(-2.0 * Math.Log(u1));
            z[i] = r * Math.Cos(2.0 * Math.PI * u2);
            if (i + 1 < z.Length)
            {
                z[i + 1] = r * Math.Sin(2.0 * Math.PI * u2);
            }
        }
    }
}
