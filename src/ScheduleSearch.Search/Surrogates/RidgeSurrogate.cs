using MathNet.Numerics.LinearAlgebra;

namespace ScheduleSearch.Search.Surrogates;

/// <summary>
/// A small ranking surrogate: ridge regression of log-score on the raw features plus seeded random Fourier
/// features (an approximate Gaussian-kernel ridge regression, Rahimi and Recht 2007). Cheap to retrain every
/// generation; only the ranking it induces is used.
/// </summary>
internal sealed class RidgeSurrogate : ISurrogate
{
    private readonly int fourier;
    private readonly double ridge;
    private double[][]? projections;
    private double[]? phases;
    private Standardiser? standardiser;
    private Vector<double>? coefficients;

    public RidgeSurrogate(int fourier = 256, double ridge = 1e-2)
    {
        this.fourier = fourier;
        this.ridge = ridge;
    }

    public bool Trained => coefficients is not null;

    public void Fit(IReadOnlyList<double[]> x, IReadOnlyList<double> y, int seed)
    {
        var d = x[0].Length;
        standardiser = new Standardiser(x);
        var rng = new Random(seed);
        var bandwidth = Math.Sqrt(Math.Max(1, standardiser.Varying));
        projections = Enumerable.Range(0, fourier).Select(_ => Enumerable.Range(0, d).Select(_ => Generators.RandomExtensions.Gaussian(rng) / bandwidth).ToArray()).ToArray();
        phases = Enumerable.Range(0, fourier).Select(_ => rng.NextDouble() * 2 * Math.PI).ToArray();
        var rows = x.Select(Expand).ToArray();
        var a = Matrix<double>.Build.DenseOfRowArrays(rows);
        var yMean = y.Average();
        var target = Vector<double>.Build.DenseOfEnumerable(y.Select(v => v - yMean));
        var gram = a.TransposeThisAndMultiply(a) + (Matrix<double>.Build.DenseIdentity(a.ColumnCount) * ridge * x.Count);
        coefficients = gram.Cholesky().Solve(a.TransposeThisAndMultiply(target));
        Offset = yMean;
    }

    private double Offset { get; set; }

    public double[] Predict(IReadOnlyList<double[]> x) => x.Select(Predict).ToArray();

    public double Predict(double[] features) =>
        coefficients is null ? 0 : Offset + Vector<double>.Build.DenseOfArray(Expand(features)).DotProduct(coefficients);

    private double[] Expand(double[] raw)
    {
        var z = standardiser!.Apply(raw);
        var result = new double[z.Length + fourier];
        Array.Copy(z, result, z.Length);
        var norm = Math.Sqrt(2.0 / fourier);
        for (var k = 0; k < fourier; k++)
        {
            var p = projections![k];
            double dot = phases![k];
            for (var j = 0; j < z.Length; j++)
            {
                dot += p[j] * z[j];
            }

            result[z.Length + k] = norm * Math.Cos(dot);
        }

        return result;
    }
}
