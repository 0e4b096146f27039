using ScheduleSearch.Evaluation.Tests.Support;

namespace ScheduleSearch.Evaluation.Tests;

public sealed class EvaluationIdentityTests
{
    [Fact]
    public void An_identity_written_before_teacher_rmse_meant_rmse_reads_back_as_teacher_mean_rmse_with_its_old_keys()
    {
        // As run wrote it onto a search record before issue 20 (format @1, "metric" teacher-rmse).
        var old = EvaluationIdentity.For("model", TestModels.Spec("teacher-mean-rmse"));
        var legacyJson = old.ToJson()
            .Replace("evaluation-identity@2", "evaluation-identity@1", StringComparison.Ordinal)
            .Replace("\"metric\":\"teacher-mean-rmse\"", "\"metric\":\"teacher-rmse\"", StringComparison.Ordinal);

        var read = EvaluationIdentity.FromJson(legacyJson);

        Assert.Equal("teacher-mean-rmse", read.Metric);
        var schedule = TestModels.Preset("dpm-solver++-3m", 8, "logsnr-uniform");
        Assert.Equal(old.KeyOf(schedule, new EvaluationRequest { HeldOut = true }), read.KeyOf(schedule, new EvaluationRequest { HeldOut = true }));
    }

    [Theory]
    [InlineData("teacher-rmse")]
    [InlineData("teacher-mean-rmse")]
    public void An_identity_round_trips_with_its_metric_name(string kind)
    {
        var identity = EvaluationIdentity.For("model", TestModels.Spec(kind));

        var read = EvaluationIdentity.FromJson(identity.ToJson());

        Assert.Equal(kind, read.Metric);
        Assert.Equal(identity.MetricJson, read.MetricJson);
    }
}
