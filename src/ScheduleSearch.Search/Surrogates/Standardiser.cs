namespace ScheduleSearch.Search.Surrogates;

/// <summary>Per-feature centring and scaling to unit variance, fitted on a training set; constant features map to 0.</summary>
internal sealed class Standardiser
{
    private readonly double[] mean;
    private readonly double[] scale;

    public Standardiser(IReadOnlyList<double[]> x)
    {
        var d = x[0].Length;
        mean = new double[d];
        scale = new double[d];
        for (var j = 0; j < d; j++)
        {
            var m = x.Average(r => r[j]);
            var v = x.Average(r => (r[j] - m) * (r[j] - m));
            mean[j] = m;
            scale[j] = v > 1e-12 ? 1 / Math.Sqrt(v) : 0;
        }
    }

    /// <summary>Features that vary in the training set.</summary>
    public int Varying => scale.Count(s => s > 0);

    public double[] Apply(double[] r)
    {
        var z = new double[mean.Length];
        for (var j = 0; j < z.Length; j++)
        {
            z[j] = (r[j] - mean[j]) * scale[j];
        }

        return z;
    }
}
