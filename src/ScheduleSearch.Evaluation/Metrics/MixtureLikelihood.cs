using ScheduleSearch.Core.Denoising;

namespace ScheduleSearch.Evaluation.Metrics;

/// <summary>Log-likelihoods under a diagonal <see cref="GaussianMixture"/>, in a numerically stable log-sum-exp.</summary>
public sealed class MixtureLikelihood
{
    private readonly GaussianMixture mixture;
    private readonly double[] logNormaliser;
    private readonly double[][] precision;

    /// <summary>Precomputes log w_k - 1/2 sum_d log(2 pi v_kd) for every component.</summary>
    public MixtureLikelihood(GaussianMixture mixture)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        this.mixture = mixture;
        logNormaliser = new double[mixture.Components];
        precision = mixture.Variances.Select(v => v.Select(x => 1.0 / x).ToArray()).ToArray();
        for (var k = 0; k < mixture.Components; k++)
        {
            var logDet = 0.0;
            foreach (var v in mixture.Variances[k])
            {
                logDet += Math.Log(2.0 * Math.PI * v);
            }

            logNormaliser[k] = Math.Log(mixture.Weights[k]) - (0.5 * logDet);
        }
    }

    /// <summary>The most likely component of each of <paramref name="count"/> row-major samples.</summary>
    public int[] MostLikelyComponents(ReadOnlySpan<double> samples, int count)
    {
        var size = mixture.Dimension;
        var result = new int[count];
        for (var i = 0; i < count; i++)
        {
            LogLikelihood(samples.Slice(i * size, size), out result[i]);
        }

        return result;
    }

    /// <summary>log p(x) of one sample, and the component with the largest posterior responsibility.</summary>
    public double LogLikelihood(ReadOnlySpan<double> x, out int mostLikelyComponent)
    {
        var components = mixture.Components;
        Span<double> joint = components <= 256 ? stackalloc double[components] : new double[components];
        var max = double.NegativeInfinity;
        mostLikelyComponent = 0;
        for (var k = 0; k < components; k++)
        {
            var mu = mixture.Means[k];
            var p = precision[k];
            var quad = 0.0;
            for (var d = 0; d < x.Length; d++)
            {
                var diff = x[d] - mu[d];
                quad += diff * diff * p[d];
            }

            joint[k] = logNormaliser[k] - (0.5 * quad);
            if (joint[k] > max)
            {
                max = joint[k];
                mostLikelyComponent = k;
            }
        }

        var sum = 0.0;
        for (var k = 0; k < components; k++)
        {
            sum += Math.Exp(joint[k] - max);
        }

        return max + Math.Log(sum);
    }
}
