using ScheduleSearch.Evaluation.Metrics;
using ScheduleSearch.Evaluation.NoiseSets;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Evaluation.Tests.Metrics;

public sealed class OnnxFeatureExtractorTests
{
    private static readonly string ClassifierDirectory = Path.Combine(TestRepository.Models, "fashion-classifier");

    [Fact]
    public void The_fashion_classifier_gives_128_features_per_image_the_same_way_in_any_batch_size()
    {
        using var whole = OnnxFeatureExtractor.Open(Path.Combine(ClassifierDirectory, "features.onnx"), batch: 64);
        using var split = OnnxFeatureExtractor.Open(Path.Combine(ClassifierDirectory, "features.onnx"), batch: 7);
        var images = Images(20);

        Assert.Equal(128, whole.FeatureSize(784));
        Assert.StartsWith("onnx-sha256:", whole.Name, StringComparison.Ordinal);
        var a = new double[20 * 128];
        var b = new double[20 * 128];
        whole.Extract(images, 20, 784, a);
        split.Extract(images, 20, 784, b);
        Assert.Equal(a, b);
        Assert.Contains(a, v => v != 0.0);
    }

    [Fact]
    public void A_model_whose_samples_do_not_fit_the_feature_network_is_refused()
    {
        using var features = OnnxFeatureExtractor.Open(Path.Combine(ClassifierDirectory, "features.onnx"));
        var ex = Assert.Throws<ArgumentException>(() => features.FeatureSize(64));
        Assert.Contains("784", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fd_against_fixed_statistics_of_the_same_features_is_near_zero_and_data_statistics_load()
    {
        using var features = OnnxFeatureExtractor.Open(Path.Combine(ClassifierDirectory, "features.onnx"));
        const int n = 200;
        var images = Images(n);
        var f = new double[n * 128];
        features.Extract(images, n, 784, f);
        var own = new FeatureStatistics("own", GaussianFit.Of(f, n, 128));
        var data = FeatureStatistics.Load(Path.Combine(ClassifierDirectory, "features_mean.npy"), Path.Combine(ClassifierDirectory, "features_cov.npy"));
        var metric = new FrechetDistanceMetric();

        var same = metric.Score(images, n, new MetricInputs { SampleSize = 784, Features = features, ReferenceStatistics = own });
        var toData = metric.Score(images, n, new MetricInputs { SampleSize = 784, Features = features, ReferenceStatistics = data });

        Assert.InRange(same, 0.0, 1e-6 * toData);
        Assert.True(toData > 0.0);
        Assert.StartsWith("stats-sha256:", data.Name, StringComparison.Ordinal);
        Assert.Equal(128, data.Fit.Mean.Count);
    }

    /// <summary>Noise squashed into [-1, 1], the classifier's input range.</summary>
    private static double[] Images(int count) =>
        NoiseSet.Create(new NoiseSpec(21, count), 784).Values.ToArray().Select(Math.Tanh).ToArray();
}
