using System.Globalization;
using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Models.Datasets;
using ScheduleSearch.Models.Gmm;

// Regenerates the built-in models under models/ deterministically (fixed seeds):
//   dotnet run --project tools/ScheduleSearch.Tools.ModelZoo -c Release -- models [FASHION_IDX]
// FASHION_IDX defaults to Debian's dataset-fashion-mnist training images.
var output = args.Length > 0 ? args[0] : "models";
var fashion = args.Length > 1 ? args[1] : "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";

Write("gmm-toy-8", Synthetic(components: 4, dimension: 8, meanScale: 1.5, minVariance: 0.02, maxVariance: 0.5, seed: 8),
    "gmm-toy-8: 8-dimensional diagonal Gaussian mixture, 4 components (seed 8); small and fast, for tests.");
Write("gmm-64", Synthetic(components: 16, dimension: 64, meanScale: 1.0, minVariance: 0.005, maxVariance: 0.2, seed: 64),
    "gmm-64: 64-dimensional diagonal Gaussian mixture, 16 well-separated components with unequal weights and variances (seed 64); the quickstart model.");
if (File.Exists(fashion))
{
    var data = DatasetReader.Read(fashion, scale: 2.0 / 255.0, shift: -1.0);
    var fit = GmmFitter.Fit(data, new GmmFitOptions { Components = 32, MaxIterations = 40, MaxRows = 20000, VarianceFloor = 1e-3, Seed = 784 });
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"fashion: {fit.Iterations} EM iterations on {fit.Rows} rows, mean log-likelihood {fit.MeanLogLikelihood:F2}"));
    Write("gmm-fashion-784", fit.Mixture,
        "gmm-fashion-784: diagonal Gaussian mixture with 32 components fitted by EM (seed 784, 20000 rows, variance floor 1e-3) to Fashion-MNIST training images scaled to [-1, 1] (28x28 = 784 dims).");
}
else
{
    Console.Error.WriteLine($"{fashion} not found: gmm-fashion-784 skipped (apt-get install dataset-fashion-mnist)");
}

void Write(string name, GaussianMixture mixture, string readme)
{
    var dir = Path.Combine(output, name);
    var rounded = Round(mixture);
    GmmModelWriter.Write(rounded, dir, "vp-discrete", name);
    File.WriteAllText(Path.Combine(dir, "README.md"), readme + "\n");
    var size = Directory.EnumerateFiles(dir).Sum(f => new FileInfo(f).Length);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{dir}: {rounded.Components} components x {rounded.Dimension} dims, {size / 1024} KiB"));
}

// Six significant digits keep params.json small; the ONNX graph is built from the same rounded numbers.
static GaussianMixture Round(GaussianMixture m)
{
    static double R(double v) => double.Parse(v.ToString("G6", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    return new GaussianMixture(
        m.Weights.Select(R).ToArray(),
        m.Means.Select(row => row.Select(R).ToArray()).ToArray(),
        m.Variances.Select(row => row.Select(R).ToArray()).ToArray());
}

static GaussianMixture Synthetic(int components, int dimension, double meanScale, double minVariance, double maxVariance, int seed)
{
    var random = new Random(seed);
    double Normal()
    {
        var u = 1.0 - random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * random.NextDouble());
    }

    var weights = Enumerable.Range(0, components).Select(_ => 0.5 + random.NextDouble()).ToArray();
    var means = Enumerable.Range(0, components).Select(_ => Enumerable.Range(0, dimension).Select(_ => meanScale * Normal()).ToArray()).ToArray();
    var logMin = Math.Log(minVariance);
    var logMax = Math.Log(maxVariance);
    var variances = Enumerable.Range(0, components).Select(_ =>
    {
        // One overall scale per component (unequal variances), jittered per dimension.
        var scale = logMin + (random.NextDouble() * (logMax - logMin));
        return Enumerable.Range(0, dimension).Select(_ => Math.Exp(Math.Clamp(scale + (0.3 * Normal()), logMin, logMax))).ToArray();
    }).ToArray();
    return new GaussianMixture(weights, means, variances);
}
