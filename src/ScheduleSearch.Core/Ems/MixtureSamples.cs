using ScheduleSearch.Core.Denoising;

namespace ScheduleSearch.Core.Ems;

/// <summary>Draws data samples from a diagonal Gaussian mixture (the data of an analytic model's statistics).</summary>
public static class MixtureSamples
{
    /// <summary><paramref name="count"/> rows of D values: a component by weight, then its normal (Box-Muller), seeded.</summary>
    public static double[] Draw(GaussianMixture mixture, int count, int seed)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        var d = mixture.Dimension;
        var rng = new Random(seed);
        var rows = new double[count * d];
        for (var r = 0; r < count; r++)
        {
            var u = rng.NextDouble();
            var k = 0;
            for (var acc = mixture.Weights[0]; u > acc && k < mixture.Components - 1; acc += mixture.Weights[++k])
            {
            }

            for (var e = 0; e < d; e++)
            {
                var z = Math.Sqrt(-2.0 * Math.Log(1.0 - rng.NextDouble())) * Math.Cos(2.0 * Math.PI * rng.NextDouble());
                rows[(r * d) + e] = mixture.Means[k][e] + (Math.Sqrt(mixture.Variances[k][e]) * z);
            }
        }

        return rows;
    }
}
