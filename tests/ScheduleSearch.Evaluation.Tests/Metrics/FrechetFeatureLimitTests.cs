using ScheduleSearch.Evaluation.Metrics;
using ScheduleSearch.Evaluation.Tests.Support;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Evaluation.Tests.Metrics;

/// <summary>fd on more features than a covariance can hold (raw decoded SD images) is refused before anything runs.</summary>
public sealed class FrechetFeatureLimitTests
{
    [Fact]
    public void Fd_on_more_features_than_the_limit_is_refused_naming_the_count_and_the_limit()
    {
        using var store = new InMemoryScoreStore();
        var options = TestModels.Options with { Features = new WideFeatures(FrechetDistanceMetric.MaxFeatures + 1) };

        var e = Assert.Throws<ArgumentException>(() => new ScheduleEvaluator(TestModels.Denoiser(), "wide", TestModels.Spec("fd"), store, options));

        Assert.Contains($"fd compares {FrechetDistanceMetric.MaxFeatures + 1} features per sample", e.Message, StringComparison.Ordinal);
        Assert.Contains($"at most {FrechetDistanceMetric.MaxFeatures}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Kid_takes_the_same_features_since_it_needs_no_covariance()
    {
        using var store = new InMemoryScoreStore();
        var options = TestModels.Options with { Features = new WideFeatures(FrechetDistanceMetric.MaxFeatures + 1) };

        var evaluator = new ScheduleEvaluator(TestModels.Denoiser(), "wide", TestModels.Spec("kid"), store, options);

        Assert.Equal("kid", evaluator.Identity.Metric);
    }

    /// <summary>A feature extractor that claims many features (never run: the check comes first).</summary>
    private sealed class WideFeatures(int size) : IFeatureExtractor
    {
        public string Name => "wide";

        public int FeatureSize(int sampleSize) => size;

        public void Extract(ReadOnlySpan<double> samples, int count, int sampleSize, Span<double> features, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("not run");
    }
}
