using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Spacings;
using ScheduleSearch.Evaluation.Tests.Support;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Evaluation.Tests;

/// <summary>Schedules that need the data statistics or model variants are scored when the evaluator has them.</summary>
public sealed class WiderSpaceEvaluationTests
{
    private static SamplerSchedule TeleportThenUniPc()
    {
        var vp = TestModels.Vp;
        var grid = Grids.Build(Spacing.LogSnrUniform, vp, 5, 0.6, vp.DefaultTEnd);
        var solver = PresetCatalog.Create("unipc-bh2-2", vp, grid);
        return new SamplerSchedule("teleport", vp.Kind, [1.0, .. grid], [new StepChoice { Method = StepMethod.Teleport }, .. solver.Steps]);
    }

    [Fact]
    public void A_teleport_schedule_is_scored_with_statistics_and_fails_with_a_message_without()
    {
        using var store = new InMemoryScoreStore();
        var without = new ScheduleEvaluator(TestModels.Denoiser(), "model", TestModels.Spec(), store, TestModels.Options);
        var failed = Assert.Single(without.Evaluate([TeleportThenUniPc()], EvaluationRequest.Default));
        Assert.Equal(EvaluationStatus.Failed, failed.Status);
        Assert.Contains("statistics", failed.DetailsJson, StringComparison.Ordinal);

        using var other = new InMemoryScoreStore();
        var with = new ScheduleEvaluator(TestModels.Denoiser(), "model", TestModels.Spec(), other,
            TestModels.Options with { Statistics = DataStatistics.Of(TestModels.Mixture) });
        var scored = Assert.Single(with.Evaluate([TeleportThenUniPc()], EvaluationRequest.Default));
        Assert.Equal(EvaluationStatus.Ok, scored.Status);
        Assert.Equal(5, scored.Nfe);
        Assert.True(double.IsFinite(scored.Score));
    }

    [Fact]
    public void Calls_to_a_model_variant_are_counted_with_the_model_calls()
    {
        using var store = new InMemoryScoreStore();
        var small = TestModels.Denoiser();
        var evaluator = new ScheduleEvaluator(TestModels.Denoiser(), "model", TestModels.Spec(), store,
            TestModels.Options with { Variants = new Dictionary<string, IDenoiser> { ["small"] = small } });
        evaluator.Teacher();
        var plan = TestModels.Preset("dpm-solver++-2m", 6);
        plan = plan with { Steps = [.. plan.Steps.Select((s, i) => i < 2 ? s with { Model = "small" } : s)] };
        var result = Assert.Single(evaluator.Evaluate([plan], EvaluationRequest.Default));
        Assert.Equal(EvaluationStatus.Ok, result.Status);
        Assert.Equal(2, small.Calls);
        Assert.Equal(6, evaluator.Counters.ModelCalls);
    }

    [Fact]
    public void A_candidate_ending_at_another_time_is_compared_with_a_teacher_ending_there_too()
    {
        using var store = new InMemoryScoreStore();
        var spec = TestModels.Spec();
        var evaluator = new ScheduleEvaluator(TestModels.Denoiser(), "model", spec, store, TestModels.Options);
        var teacherAtDefault = References.TeacherReferences.Schedule(TestModels.Denoiser(), spec.Teacher);
        var teacherEndingLater = References.TeacherReferences.Schedule(TestModels.Denoiser(), spec.Teacher with { TEnd = 0.004 });
        Assert.Equal(0.004, teacherEndingLater.Timesteps[^1], 12);

        var results = evaluator.Evaluate([teacherAtDefault, teacherEndingLater], EvaluationRequest.Default);

        // Each is the teacher of its own time range: zero error, not the distance between x(0.001) and x(0.004).
        Assert.Equal(0.0, results[0].Score);
        Assert.Equal(0.0, results[1].Score);
        Assert.Equal(2, store.CountEvaluations());
    }
}
