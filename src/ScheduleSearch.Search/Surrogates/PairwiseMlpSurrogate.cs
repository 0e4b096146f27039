using ScheduleSearch.Search.Generators;

namespace ScheduleSearch.Search.Surrogates;

/// <summary>
/// A small MLP (standardised features, one tanh hidden layer, linear output) trained with RankNet's pairwise
/// logistic loss over every pair of scored schedules whose log-scores differ, full batch, Adam. Its output is a
/// ranking score (lower = predicted better), not a log-score. Seeded initialisation and a fixed loop order make it
/// deterministic.
/// </summary>
internal sealed class PairwiseMlpSurrogate : ISurrogate
{
    private readonly int hidden;
    private readonly int steps;
    private readonly double learningRate;
    private readonly double weightDecay;
    private Standardiser? standardiser;
    private double[] w1 = [];
    private double[] b1 = [];
    private double[] w2 = [];
    private int d;

    public PairwiseMlpSurrogate(int hidden = 16, int steps = 500, double learningRate = 0.02, double weightDecay = 1e-3)
    {
        this.hidden = hidden;
        this.steps = steps;
        this.learningRate = learningRate;
        this.weightDecay = weightDecay;
    }

    public void Fit(IReadOnlyList<double[]> x, IReadOnlyList<double> y, int seed)
    {
        d = x[0].Length;
        standardiser = new Standardiser(x);
        var z = x.Select(standardiser.Apply).ToArray();
        var rng = new Random(seed);
        var init = 1 / Math.Sqrt(Math.Max(1, standardiser.Varying));
        w1 = Enumerable.Range(0, hidden * d).Select(_ => rng.Gaussian() * init).ToArray();
        b1 = new double[hidden];
        w2 = Enumerable.Range(0, hidden).Select(_ => rng.Gaussian() / Math.Sqrt(hidden)).ToArray();
        var parameters = new[] { w1, b1, w2 };
        var adamM = parameters.Select(p => new double[p.Length]).ToArray();
        var adamV = parameters.Select(p => new double[p.Length]).ToArray();
        var grads = parameters.Select(p => new double[p.Length]).ToArray();
        var n = z.Length;
        var h = new double[n][];
        var output = new double[n];
        var dOut = new double[n];
        var pairs = 0;
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                pairs += y[i] < y[j] ? 1 : 0;
            }
        }

        for (var step = 1; step <= steps && pairs > 0; step++)
        {
            for (var i = 0; i < n; i++)
            {
                h[i] = Hidden(z[i]);
                output[i] = Output(h[i]);
            }

            // RankNet: for each pair with y_i < y_j (i better), loss log(1 + exp(s_i - s_j)).
            Array.Clear(dOut);
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    if (y[i] < y[j])
                    {
                        var g = 1 / (1 + Math.Exp(output[j] - output[i])) / pairs;
                        dOut[i] += g;
                        dOut[j] -= g;
                    }
                }
            }

            foreach (var g in grads)
            {
                Array.Clear(g);
            }

            for (var i = 0; i < n; i++)
            {
                for (var k = 0; k < hidden; k++)
                {
                    grads[2][k] += dOut[i] * h[i][k];
                    var dh = dOut[i] * w2[k] * (1 - (h[i][k] * h[i][k]));
                    grads[1][k] += dh;
                    var row = k * d;
                    for (var j = 0; j < d; j++)
                    {
                        grads[0][row + j] += dh * z[i][j];
                    }
                }
            }

            for (var p = 0; p < parameters.Length; p++)
            {
                Adam(parameters[p], grads[p], adamM[p], adamV[p], step);
            }
        }
    }

    public double[] Predict(IReadOnlyList<double[]> x) =>
        standardiser is null ? new double[x.Count] : x.Select(r => Output(Hidden(standardiser.Apply(r)))).ToArray();

    private void Adam(double[] p, double[] g, double[] m, double[] v, int step)
    {
        const double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
        var c1 = 1 - Math.Pow(beta1, step);
        var c2 = 1 - Math.Pow(beta2, step);
        for (var i = 0; i < p.Length; i++)
        {
            var gi = g[i] + (weightDecay * p[i]);
            m[i] = (beta1 * m[i]) + ((1 - beta1) * gi);
            v[i] = (beta2 * v[i]) + ((1 - beta2) * gi * gi);
            p[i] -= learningRate * (m[i] / c1) / (Math.Sqrt(v[i] / c2) + eps);
        }
    }

    private double[] Hidden(double[] z)
    {
        var h = new double[hidden];
        for (var k = 0; k < hidden; k++)
        {
            var sum = b1[k];
            var row = k * d;
            for (var j = 0; j < d; j++)
            {
                sum += w1[row + j] * z[j];
            }

            h[k] = Math.Tanh(sum);
        }

        return h;
    }

    private double Output(double[] h)
    {
        var sum = 0.0;
        for (var k = 0; k < hidden; k++)
        {
            sum += w2[k] * h[k];
        }

        return sum;
    }
}
