using MathNet.Numerics.LinearAlgebra;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation.Metrics;
using ScheduleSearch.Evaluation.Tests.Support;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Evaluation.Tests;

/// <summary>
/// Cache keys pinned as the evaluator computed them before evaluation identity got its own type (main bb05617):
/// a key that changes orphans every score of an existing database, so these must never change. The metric called
/// teacher-rmse then is teacher-mean-rmse now and keeps its keys; the true RMSE, teacher-rmse since issue 20, is keyed
/// under a kind never used before, so no stored score changes meaning.
/// </summary>
public sealed class EvaluationKeyPinTests
{
    public static TheoryData<string, string, string, string> Cases => new()
    {
        { "teacher-mean-rmse", "main", "plain", "60c0d89220db2ed56418c79c78687f6bc4242ad463f1d5d2c248047b9a5b0f94" },
        { "teacher-mean-rmse", "held-out", "plain", "1bd50fc338a4d303ebc6b6c0283737cd99274dd9b85bfa149caf27b1585a8f46" },
        { "teacher-mean-rmse", "fidelity-16", "plain", "ec028ed655104c37082f26acc354d53d467838c05e49b7c62343c5d1207ff73d" },
        { "teacher-relative", "main", "plain", "6713520334f2a57b0d76ba21071d85dbaa4c45d6c00f7dd2766e2244083ba787" },
        { "fd", "main", "plain", "e4d77a22bb39fcf8425bde48adb66249275848c9b983843b892a6ecf9c286515" },
        { "fd", "held-out", "named", "9976647224d231e678cfe43b63c2b32e155f4fb02b935f32e5051e7b9f7ea7cf" },
        { "kid", "main", "named", "9116da7ac4d9a3c0f59f94d3044b1a51225852ff685ff670516f74874f242df3" },
        { "gmm-nll", "held-out", "plain", "55b877e1d35bf45705df5668a31995d74d6744eada88e7b1ba9ff010a008f94e" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Keys_of_existing_metrics_stay_what_they_were(string kind, string request, string features, string expected)
    {
        using var store = new InMemoryScoreStore();
        var evaluator = new ScheduleEvaluator(TestModels.Denoiser(), "pinned-model", TestModels.Spec(kind), store, Options(features));
        var schedule = TestModels.Preset("dpm-solver++-3m", 8, "logsnr-uniform");

        var key = evaluator.KeyOf(schedule, Request(request));

        Assert.Equal(expected, key);
    }

    [Theory]
    [InlineData("main")]
    [InlineData("held-out")]
    [InlineData("fidelity-16")]
    public void The_true_rmse_never_takes_a_key_the_mean_of_per_sample_rmses_had(string request)
    {
        using var store = new InMemoryScoreStore();
        var schedule = TestModels.Preset("dpm-solver++-3m", 8, "logsnr-uniform");
        var rmse = new ScheduleEvaluator(TestModels.Denoiser(), "pinned-model", TestModels.Spec("teacher-rmse"), store, TestModels.Options);

        var key = rmse.KeyOf(schedule, Request(request));

        Assert.DoesNotContain(key, Cases.Select(c => (string)c[3]));
        Assert.Contains("\"kind\":\"teacher-pooled-rmse\"", rmse.MetricSpecJson, StringComparison.Ordinal);
    }

    private static EvaluationRequest Request(string name) => name switch
    {
        "held-out" => new EvaluationRequest { HeldOut = true },
        "fidelity-16" => new EvaluationRequest { Fidelity = 16 },
        _ => new EvaluationRequest(),
    };

    private static ScheduleEvaluatorOptions Options(string features)
    {
        if (features == "plain")
        {
            return TestModels.Options;
        }

        var mean = Vector<double>.Build.Dense(TestModels.Mixture.Dimension);
        return TestModels.Options with
        {
            Features = new NamedFeatures("onnx-sha256:0123abcd"),
            ReferenceStatistics = new FeatureStatistics("stats-sha256:4567ef01", new GaussianFit(mean, Matrix<double>.Build.DenseIdentity(mean.Count))),
        };
    }

    /// <summary>Identity features under another name, as a feature network's content hash names it.</summary>
    private sealed class NamedFeatures(string name) : IFeatureExtractor
    {
        public string Name { get; } = name;

        public int FeatureSize(int sampleSize) => sampleSize;

        public void Extract(ReadOnlySpan<double> samples, int count, int sampleSize, Span<double> features, CancellationToken cancellationToken = default) =>
            samples[..(count * sampleSize)].CopyTo(features);
    }
}
