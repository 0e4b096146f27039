namespace ScheduleSearch.Search.Generators;

/// <summary>Draws the generators need from a seeded <see cref="Random"/> (deterministic across runs).</summary>
internal static class RandomExtensions
{
    /// <summary>A standard normal draw (Box-Muller; one draw per call keeps the stream easy to reason about).</summary>
    public static double Gaussian(this Random rng)
    {
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>A uniformly chosen element.</summary>
    public static T Pick<T>(this Random rng, IReadOnlyList<T> items) => items[rng.Next(items.Count)];

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public static bool Chance(this Random rng, double p) => rng.NextDouble() < p;
}
