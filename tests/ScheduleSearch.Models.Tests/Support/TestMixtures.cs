using ScheduleSearch.Core.Denoising;

namespace ScheduleSearch.Models.Tests.Support;

/// <summary>Small seeded mixtures and random states for the tests.</summary>
public static class TestMixtures
{
    /// <summary>A random diagonal mixture: means in [-3, 3], variances in [0.01, 1].</summary>
    public static GaussianMixture Random(int components, int dimension, int seed)
    {
        var random = new Random(seed);
        var weights = Enumerable.Range(0, components).Select(_ => 0.2 + random.NextDouble()).ToArray();
        var means = Enumerable.Range(0, components).Select(_ => Enumerable.Range(0, dimension).Select(_ => (6 * random.NextDouble()) - 3).ToArray()).ToArray();
        var variances = Enumerable.Range(0, components).Select(_ => Enumerable.Range(0, dimension).Select(_ => 0.01 + (0.99 * random.NextDouble())).ToArray()).ToArray();
        return new GaussianMixture(weights, means, variances);
    }

    /// <summary>A standard normal draw (Box-Muller).</summary>
    public static double Normal(Random random)
    {
        var u = 1.0 - random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * random.NextDouble());
    }

    /// <summary>Rows x = x0 + s n with x0 drawn from the mixture, rounded to float32 so both models see the same input.</summary>
    public static double[] NoisyRows(GaussianMixture mixture, int rows, double sigma, Random random)
    {
        var d = mixture.Dimension;
        var x = new double[rows * d];
        for (var b = 0; b < rows; b++)
        {
            var u = random.NextDouble();
            var k = 0;
            for (var acc = mixture.Weights[0]; acc < u && k < mixture.Components - 1; acc += mixture.Weights[++k])
            {
            }

            for (var j = 0; j < d; j++)
            {
                var x0 = mixture.Means[k][j] + (Math.Sqrt(mixture.Variances[k][j]) * Normal(random));
                x[(b * d) + j] = (float)(x0 + (sigma * Normal(random)));
            }
        }

        return x;
    }
}
