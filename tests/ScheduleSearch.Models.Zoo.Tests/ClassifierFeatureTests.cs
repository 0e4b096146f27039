using MathNet.Numerics.LinearAlgebra;
using ScheduleSearch.Models.Arrays;
using ScheduleSearch.Models.Zoo.Tests.Support;
using Xunit.Abstractions;

namespace ScheduleSearch.Models.Zoo.Tests;

public class ClassifierFeatureTests(ITestOutputHelper output)
{
    [Fact]
    public void The_feature_network_maps_test_images_to_finite_non_negative_features_matching_the_stored_statistics()
    {
        using var features = new OnnxImageNetwork(ZooModels.Classifier("features.onnx"));
        var mean = Npy.Read(ZooModels.Classifier("features_mean.npy"));
        var covariance = Npy.Read(ZooModels.Classifier("features_cov.npy"));

        var f = features.Run(FashionTestSet.Images, 16);

        Assert.InRange(features.Width, 64, 256);
        Assert.Equal([features.Width], mean.Shape);
        Assert.Equal([features.Width, features.Width], covariance.Shape);
        Assert.All(f, v => Assert.True(double.IsFinite(v) && v >= 0.0, $"feature {v} (ReLU outputs are finite and >= 0)"));
    }

    [Fact]
    public void The_classifier_labels_most_test_images_correctly()
    {
        using var classifier = new OnnxImageNetwork(ZooModels.Classifier("classifier.onnx"));
        var logits = classifier.Run(FashionTestSet.Images, FashionTestSet.Count);

        var correct = Enumerable.Range(0, FashionTestSet.Count).Count(i => Logits.ArgMax(logits.AsSpan(i * 10, 10)) == FashionTestSet.Labels[i]);

        output.WriteLine($"{correct} of {FashionTestSet.Count} test images classified correctly");
        Assert.True(correct >= 0.85 * FashionTestSet.Count, $"{correct} of {FashionTestSet.Count} correct");
    }

    [Fact]
    public void The_fd_of_test_images_against_the_stored_statistics_is_small_compared_with_the_fd_of_noise()
    {
        using var features = new OnnxImageNetwork(ZooModels.Classifier("features.onnx"));
        var mean = Vector<double>.Build.Dense(Npy.Read(ZooModels.Classifier("features_mean.npy")).Data);
        var width = mean.Count;
        var covariance = Matrix<double>.Build.Dense(width, width, Npy.Read(ZooModels.Classifier("features_cov.npy")).Data).Transpose();
        var count = FashionTestSet.Count;
        var random = new Random(11);
        var noise = Enumerable.Range(0, count * 784).Select(_ => Math.Clamp((random.NextDouble() * 2.0) - 1.0, -1.0, 1.0)).ToArray();
        var blurred = Shift(FashionTestSet.Images, count, 3);

        var test = Frechet.Distance(features.Run(FashionTestSet.Images, count), count, mean, covariance);
        var shifted = Frechet.Distance(features.Run(blurred, count), count, mean, covariance);
        var random01 = Frechet.Distance(features.Run(noise, count), count, mean, covariance);

        output.WriteLine($"fd: test images {test:F3}, shifted by 3 pixels {shifted:F3}, uniform noise {random01:F3}");
        Assert.True(test < 0.05 * random01, $"fd(test) {test} vs fd(noise) {random01}");
        Assert.True(test < shifted, $"fd(test) {test} vs fd(test shifted by 3 pixels) {shifted}");
    }

    private static double[] Shift(double[] images, int count, int pixels)
    {
        var result = new double[images.Length];
        for (var b = 0; b < count; b++)
        {
            for (var r = 0; r < 28; r++)
            {
                for (var c = 0; c < 28; c++)
                {
                    var source = c - pixels;
                    result[(b * 784) + (r * 28) + c] = source >= 0 ? images[(b * 784) + (r * 28) + source] : -1.0;
                }
            }
        }

        return result;
    }
}
