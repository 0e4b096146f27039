using MathNet.Numerics.LinearAlgebra;
using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Evaluation.Metrics;
using ScheduleSearch.Search.Results;
using ScheduleSearch.Search.Running;
using ScheduleSearch.Search.Specs;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Search.Tests.Results;

/// <summary>
/// Every metric kind: the held-out scores a run reports are the ones the read side (show, export, plot, report) finds,
/// with the features and reference statistics the run scored with, and for a search stored before the run recorded
/// its key context, derived from its model and spec.
/// </summary>
public sealed class HeldOutReadSideTests
{
    private static readonly GaussianMixture Mixture = new(
        [0.4, 0.6], [[1.5, -1.0, 0.5], [-1.0, 1.0, -0.5]], [[0.1, 0.05, 0.08], [0.06, 0.1, 0.05]]);

    public static TheoryData<string> Kinds => [.. MetricCatalog.Names];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Held_out_scores_of_a_run_survive_into_the_read_side(string kind)
    {
        using var store = new InMemoryScoreStore();
        var (spec, result) = Run(store, kind, recordIdentity: true);

        var summary = SearchResults.Load(store, store.GetSearch(spec.Name)!, "memory", top: 3, CancellationToken.None);

        AssertSameHeldOut(result, summary);
        var read = Assert.Single(summary.PerNfe);
        if (kind is "teacher-rmse" or "teacher-mean-rmse")
        {
            Assert.InRange(read.Best!.HeldOutStandardError!.Value, 1e-12, read.Best.HeldOut!.Value);
            Assert.InRange(read.BestBaseline!.HeldOutStandardError!.Value, 1e-12, read.BestBaseline.HeldOut!.Value);
        }
        else
        {
            Assert.Null(read.Best!.HeldOutStandardError);
        }
    }

    [Fact]
    public void Held_out_scores_of_a_search_stored_without_its_key_context_are_found_by_deriving_it()
    {
        using var store = new InMemoryScoreStore();
        var (spec, result) = Run(store, "gmm-nll", recordIdentity: false);
        Assert.Null(store.GetSearch(spec.Name)!.KeyContextJson);

        var summary = SearchResults.Load(store, store.GetSearch(spec.Name)!, "memory", top: 3, CancellationToken.None);

        AssertSameHeldOut(result, summary);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_search_begun_when_teacher_rmse_meant_the_mean_of_per_sample_rmses_reads_back_as_teacher_mean_rmse(bool recordIdentity)
    {
        // Its spec says teacher-rmse, it scored the mean of per-sample RMSEs (keyed as teacher-mean-rmse is now), and
        // its record has no identity or one of the format before issue 20.
        using var store = new InMemoryScoreStore();
        var (spec, result) = Run(store, "teacher-rmse", recordIdentity, scoredAs: "teacher-mean-rmse");
        var search = store.GetSearch(spec.Name)!;
        if (recordIdentity)
        {
            var legacy = search.KeyContextJson!
                .Replace("evaluation-identity@2", "evaluation-identity@1", StringComparison.Ordinal)
                .Replace("\"metric\":\"teacher-mean-rmse\"", "\"metric\":\"teacher-rmse\"", StringComparison.Ordinal);
            search = search with { KeyContextJson = legacy };
        }

        var summary = SearchResults.Load(store, search, "memory", top: 3, CancellationToken.None);

        Assert.Equal("teacher-mean-rmse", summary.Metric);
        Assert.Equal("teacher-mean-rmse", summary.Spec?.Metric.Kind);
        AssertSameHeldOut(result, summary);
    }

    [Fact]
    public void Resuming_a_search_under_another_meaning_of_its_metric_is_refused_naming_the_fix()
    {
        using var store = new InMemoryScoreStore();
        var (spec, _) = Run(store, "teacher-rmse", recordIdentity: false, scoredAs: "teacher-mean-rmse");

        var ex = Assert.Throws<SearchSpecException>(() => Run(store, "teacher-rmse", recordIdentity: true));

        Assert.Contains($"search '{spec.Name}' was scored with teacher-mean-rmse", ex.Message, StringComparison.Ordinal);
        Assert.Contains("\"kind\": \"teacher-mean-rmse\"", ex.Message, StringComparison.Ordinal);
        Assert.Null(store.GetSearch(spec.Name)!.KeyContextJson);
    }

    private static void AssertSameHeldOut(SearchResult result, SearchResults summary)
    {
        var outcome = Assert.Single(result.PerNfe);
        var read = Assert.Single(summary.PerNfe);
        Assert.NotNull(outcome.BestHeldOut);
        Assert.NotNull(outcome.BaselineHeldOut);
        Assert.Equal(outcome.BestHeldOut, read.Best?.HeldOut);
        Assert.Equal(outcome.BaselineHeldOut, read.BestBaseline?.HeldOut);
    }

    private static (SearchSpec Spec, SearchResult Result) Run(InMemoryScoreStore store, string kind, bool recordIdentity, string? scoredAs = null)
    {
        var spec = SearchSpec.Parse($$"""
            {
              "format": "schedule-search/search@1", "name": "read side {{kind}}", "model": "m/model.json", "nfe": [4],
              "metric": { "kind": "{{kind}}", "samples": 24, "seed": 0, "heldout": { "samples": 24, "seed": 1 },
                          "teacher": { "preset": "dpm-solver++-3m", "nfe": 40, "spacing": "logsnr-uniform" } },
              "strategy": { "kind": "default", "population": 4, "seed": 0 },
              "budget": { "evaluations": 8 },
              "baselines": ["ddim", "dpm-solver++-2m"], "baseline_spacings": ["time-uniform"]
            }
            """, "read-side.search.json", Path.GetTempPath());
        var noise = NoiseSchedule.FromKind("vp-discrete");
        const string hash = "read-side-model";
        store.SaveModel(new ModelRecord { ContentHash = hash, Path = spec.ModelPath, CardJson = "{}", Updated = DateTimeOffset.UnixEpoch });
        var options = new ScheduleEvaluatorOptions { VerifyTeacher = false };
        if (kind is "fd" or "kid")
        {
            // A named feature map and, for fd, data statistics: the names differ from the defaults a reader would guess.
            var mean = Vector<double>.Build.Dense(Mixture.Dimension);
            options = options with
            {
                Features = new NamedFeatures("onnx-sha256:feature-test"),
                ReferenceStatistics = kind == "fd" ? new FeatureStatistics("stats-sha256:stats-test", new GaussianFit(mean, Matrix<double>.Build.DenseIdentity(mean.Count))) : null,
            };
        }

        var evaluator = new ScheduleEvaluator(new GaussianMixtureDenoiser(Mixture, noise), hash, spec.Metric with { Kind = scoredAs ?? kind }, store, options);
        var run = new SearchRun(spec, evaluator, store, noise, new SearchRunOptions { Identity = recordIdentity ? evaluator.Identity : null });
        return (spec, run.Run());
    }

    /// <summary>The samples themselves as features, under a feature network's kind of name.</summary>
    private sealed class NamedFeatures(string name) : IFeatureExtractor
    {
        public string Name { get; } = name;

        public int FeatureSize(int sampleSize) => sampleSize;

        public void Extract(ReadOnlySpan<double> samples, int count, int sampleSize, Span<double> features, CancellationToken cancellationToken = default) =>
            samples[..(count * sampleSize)].CopyTo(features);
    }
}
