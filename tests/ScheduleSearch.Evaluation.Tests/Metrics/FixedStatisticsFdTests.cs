using MathNet.Numerics.LinearAlgebra;
using ScheduleSearch.Evaluation.Metrics;
using ScheduleSearch.Evaluation.Tests.Support;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Evaluation.Tests.Metrics;

/// <summary>fd against fixed data-set statistics reads no teacher, so none is computed.</summary>
public sealed class FixedStatisticsFdTests
{
    [Fact]
    public void Fd_against_fixed_statistics_computes_no_teacher()
    {
        var mean = Vector<double>.Build.Dense(TestModels.Mixture.Dimension);
        var statistics = new FeatureStatistics("stats-test", new GaussianFit(mean, Matrix<double>.Build.DenseIdentity(mean.Count)));
        using var store = new InMemoryScoreStore();
        var evaluator = new ScheduleEvaluator(TestModels.Denoiser(), "fixed-fd", TestModels.Spec("fd"), store, TestModels.Options with { ReferenceStatistics = statistics });

        var scored = evaluator.Evaluate([TestModels.Preset("ddim", 6)], new EvaluationRequest())[0];

        Assert.True(double.IsFinite(scored.Score) && scored.Score > 0.0, scored.ToString());
        Assert.Equal(0, evaluator.Counters.TeacherModelCalls);
        Assert.Null(evaluator.Teacher());
        Assert.DoesNotContain("teacher", evaluator.MetricSpecJson, StringComparison.Ordinal);
    }
}
