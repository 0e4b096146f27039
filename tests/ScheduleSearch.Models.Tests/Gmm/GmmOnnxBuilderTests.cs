using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Models.Gmm;
using ScheduleSearch.Models.Tests.Support;

namespace ScheduleSearch.Models.Tests.Gmm;

public class GmmOnnxBuilderTests
{
    [Theory]
    [InlineData(3, 8, 1)]
    [InlineData(16, 64, 2)]
    public void Onnx_gmm_agrees_with_the_float64_denoiser_to_1e_5_over_sigma_from_0_002_to_80(int components, int dimension, int seed)
    {
        var mixture = TestMixtures.Random(components, dimension, seed);
        using var session = new InferenceSession(GmmOnnxBuilder.Build(mixture).ToByteArray());
        var reference = new GaussianMixtureDenoiser(mixture, new EdmSchedule());
        var random = new Random(seed);
        const int rows = 64;
        var worst = 0.0;
        for (var trial = 0; trial < 24; trial++)
        {
            // log-uniform sigma over [0.002, 80], rounded to float32 like the graph's input.
            var sigma = (double)(float)Math.Exp(Math.Log(0.002) + (random.NextDouble() * Math.Log(80 / 0.002)));
            var x = TestMixtures.NoisyRows(mixture, rows, sigma, random);
            var actual = Run(session, x, rows, dimension, sigma);
            var expected = new double[dimension];
            var logR = new double[components];
            for (var b = 0; b < rows; b++)
            {
                reference.DenoiseVe(x.AsSpan(b * dimension, dimension), sigma, expected, logR);
                for (var j = 0; j < dimension; j++)
                {
                    worst = Math.Max(worst, Math.Abs(actual[(b * dimension) + j] - expected[j]));
                }
            }
        }

        Assert.True(worst <= 1e-5, $"largest deviation {worst}");
    }

    [Theory]
    [InlineData(0.002)]
    [InlineData(1.0)]
    [InlineData(80.0)]
    public void Onnx_gmm_stays_finite_and_exact_far_from_every_mean(double sigma)
    {
        var mixture = TestMixtures.Random(4, 8, 7);
        using var session = new InferenceSession(GmmOnnxBuilder.Build(mixture).ToByteArray());
        var reference = new GaussianMixtureDenoiser(mixture, new EdmSchedule());
        var x = new double[2 * 8];
        for (var j = 0; j < 8; j++)
        {
            x[j] = 1000.0;
            x[8 + j] = j % 2 == 0 ? -500.0 : 700.0;
        }

        var actual = Run(session, x, 2, 8, sigma);
        var expected = new double[8];
        var logR = new double[4];
        for (var b = 0; b < 2; b++)
        {
            reference.DenoiseVe(x.AsSpan(b * 8, 8), sigma, expected, logR);
            for (var j = 0; j < 8; j++)
            {
                var value = actual[(b * 8) + j];
                Assert.True(double.IsFinite(value), $"row {b} dim {j} is {value}");
                Assert.True(Math.Abs(value - expected[j]) <= 1e-5 * Math.Max(1.0, Math.Abs(expected[j])), $"row {b} dim {j}: {value} vs {expected[j]}");
            }
        }
    }

    private static double[] Run(InferenceSession session, double[] x, int rows, int dimension, double sigma)
    {
        using var xValue = OrtValue.CreateTensorValueFromMemory(x.Select(v => (float)v).ToArray(), [rows, dimension]);
        using var sigmaValue = OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat((float)sigma, rows).ToArray(), [rows]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, ["x", "sigma"], [xValue, sigmaValue], ["x0"]);
        return results[0].GetTensorDataAsSpan<float>().ToArray().Select(v => (double)v).ToArray();
    }
}
