using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation.Tests.Support;
using ScheduleSearch.Models.Onnx;
using ScheduleSearch.Storage;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Evaluation.Tests.Scoring;

/// <summary>
/// The lockstep mode (issue 6): candidates advanced side by side, each round of their model calls batched into one
/// call per network with rows at their own times; scores must not change and nothing may hang.
/// </summary>
public sealed class LockstepTests
{
    private static readonly EvaluationRequest[] Requests = [EvaluationRequest.Default, new EvaluationRequest { Fidelity = 16 }, new EvaluationRequest { HeldOut = true }];

    private static (List<ScoredSchedule> Results, EvaluatorCounters Counters) EvaluateAll(IDenoiser denoiser, List<SamplerSchedule> batch, ScheduleEvaluatorOptions options)
    {
        using var store = new InMemoryScoreStore();
        var evaluator = new ScheduleEvaluator(denoiser, "model", TestModels.Spec(), store, options);
        evaluator.Teacher();
        evaluator.Teacher(heldOut: true);
        var results = Requests.SelectMany(r => evaluator.Evaluate(batch, r)).ToList();
        return (results, evaluator.Counters);
    }

    [Fact]
    public void Lockstep_gives_the_scores_of_one_at_a_time_bit_for_bit_and_runs_each_round_as_one_call()
    {
        var batch = PrefixSharingTests.Family();
        var (single, singleCounters) = EvaluateAll(TestModels.Denoiser(), batch, TestModels.Options);
        var (lockstep, lockstepCounters) = EvaluateAll(TestModels.Denoiser(), batch, TestModels.Options with { LockstepCandidates = 64 });

        Assert.Equal(single.Select(r => r.Score), lockstep.Select(r => r.Score));
        Assert.Equal(single.Select(r => r.DetailsJson), lockstep.Select(r => r.DetailsJson));
        Assert.Equal(single.Select(r => r.Key), lockstep.Select(r => r.Key));

        // The same prefix tree: the same calls made and saved; one run per round instead of one per call.
        Assert.Equal(singleCounters.ModelCalls, lockstepCounters.ModelCalls);
        Assert.Equal(singleCounters.ModelCallsSaved, lockstepCounters.ModelCallsSaved);
        Assert.Equal(singleCounters.ModelCalls, singleCounters.ModelRuns);
        // 30 candidates of 6 steps (a second-order singlestep preset takes 3 runs of 2 calls): at most a dozen rounds
        // per request, three requests.
        Assert.True(lockstepCounters.ModelRuns <= 3 * 12, $"{lockstepCounters.ModelRuns} runs for {lockstepCounters.ModelCalls} calls");
    }

    [Fact]
    public void Lockstep_runs_dpm_solver_v3_steps_on_the_card_s_statistics_with_the_scores_of_one_at_a_time()
    {
        // Issue 23: the lockstep samplers were built without the statistics, so every v3 candidate failed there.
        var ems = Core.Ems.EmsStatistics.Degenerated(TestModels.Vp, TestModels.Mixture.Dimension, TestModels.Vp.DefaultTStart, TestModels.Vp.DefaultTEnd, 240);
        var v3 = Core.Presets.PresetCatalog.Create(Core.Presets.DpmSolverV3Preset.Name, TestModels.Vp, 6, ems: ems);
        List<SamplerSchedule> batch = [v3, TestModels.Preset("dpm-solver++-3m", 6)];
        var options = TestModels.Options with { Ems = ems };

        var (single, _) = EvaluateAll(TestModels.Denoiser(), batch, options);
        var (lockstep, _) = EvaluateAll(TestModels.Denoiser(), batch, options with { LockstepCandidates = 8 });

        Assert.All(lockstep, r => Assert.True(double.IsFinite(r.Score), r.DetailsJson));
        Assert.Equal(single.Select(r => r.Score), lockstep.Select(r => r.Score));
    }

    [Fact]
    public void Lockstep_without_prefix_sharing_and_in_small_waves_gives_the_same_scores()
    {
        var batch = PrefixSharingTests.Family();
        var (single, _) = EvaluateAll(TestModels.Denoiser(), batch, TestModels.Options with { PrefixCacheBytes = 0 });
        var (plain, plainCounters) = EvaluateAll(TestModels.Denoiser(), batch, TestModels.Options with { PrefixCacheBytes = 0, LockstepCandidates = 64 });
        var (waves, _) = EvaluateAll(TestModels.Denoiser(), batch, TestModels.Options with { LockstepCandidates = 4, LockstepMaxRows = 100 });

        Assert.Equal(single.Select(r => r.Score), plain.Select(r => r.Score));
        Assert.Equal(single.Select(r => r.Score), waves.Select(r => r.Score));
        Assert.Equal(0, plainCounters.ModelCallsSaved);
        Assert.True(plainCounters.ModelRuns < plainCounters.ModelCalls / 5, $"{plainCounters.ModelRuns} runs for {plainCounters.ModelCalls} calls");
    }

    [Fact]
    public void Through_the_onnx_model_on_the_cpu_lockstep_scores_equal_one_at_a_time_bit_for_bit()
    {
        // float32 rows batched with other candidates' rows at other times: the CPU kernels keep each row's result.
        var directory = Path.Combine(TestRepository.Root, "models", "gmm-toy-8");
        using var onnx = OnnxDenoiser.Open(Path.Combine(directory, "model.json"));
        Assert.True(onnx.HandlesRowTimes);
        var batch = PrefixSharingTests.Family();
        var spec = TestModels.Spec();
        ScoredSchedule[] Run(ScheduleEvaluatorOptions options, out EvaluatorCounters counters)
        {
            var evaluator = new ScheduleEvaluator(onnx, "onnx", spec, new InMemoryScoreStore(), options);
            var results = evaluator.Evaluate(batch, EvaluationRequest.Default).ToArray();
            counters = evaluator.Counters;
            return results;
        }

        var single = Run(TestModels.Options, out var singleCounters);
        var lockstep = Run(TestModels.Options with { LockstepCandidates = 64 }, out var lockstepCounters);

        Assert.Equal(single.Select(r => r.Score), lockstep.Select(r => r.Score));
        Assert.Equal(singleCounters.ModelCalls, lockstepCounters.ModelCalls);
        Assert.True(lockstepCounters.ModelRuns < singleCounters.ModelRuns / 5, $"{lockstepCounters.ModelRuns} runs against {singleCounters.ModelRuns}");
    }

    [Fact]
    public void A_candidate_that_fails_mid_wave_is_recorded_as_failed_and_the_candidates_planned_from_its_states_still_run()
    {
        // The parent names a model variant the evaluator lacks at its last step: it fails before its first call, and
        // its children (which keep its first steps) were planned to start from its states.
        var parent = TestModels.Preset("dpm-solver++-2m", 6, "logsnr-uniform");
        var broken = parent with { Steps = parent.Steps.SetItem(5, parent.Steps[5] with { Model = "small" }) };
        var rng = new Random(2);
        var batch = new List<SamplerSchedule> { broken };
        batch.AddRange(Enumerable.Range(0, 4).Select(_ => PrefixSharingTests.Child(rng, parent)));

        var single = new ScheduleEvaluator(TestModels.Denoiser(), "model", TestModels.Spec(), new InMemoryScoreStore(), TestModels.Options).Evaluate(batch, EvaluationRequest.Default);
        var lockstep = new ScheduleEvaluator(TestModels.Denoiser(), "model", TestModels.Spec(), new InMemoryScoreStore(), TestModels.Options with { LockstepCandidates = 8 }).Evaluate(batch, EvaluationRequest.Default);

        Assert.Equal(EvaluationStatus.Failed, lockstep[0].Status);
        Assert.Contains("small", lockstep[0].DetailsJson, StringComparison.Ordinal);
        Assert.All(lockstep.Skip(1), r => Assert.Equal(EvaluationStatus.Ok, r.Status));
        Assert.Equal(single.Select(r => r.Score), lockstep.Select(r => r.Score));
    }

    [Fact]
    public void Cancelling_a_lockstep_wave_stops_it_and_keeps_what_finished()
    {
        var batch = PrefixSharingTests.Family();
        using var cts = new CancellationTokenSource();
        using var store = new InMemoryScoreStore();
        var counting = new CountingDenoiser(TestModels.Denoiser());
        var cancelling = new CancellingDenoiser(counting, cts, afterCalls: 4);
        var evaluator = new ScheduleEvaluator(cancelling, "model", TestModels.Spec(), store, TestModels.Options with { LockstepCandidates = 8 });
        evaluator.Teacher();
        cancelling.Arm(counting.Calls);

        Assert.ThrowsAny<OperationCanceledException>(() => evaluator.Evaluate(batch, EvaluationRequest.Default, cts.Token));

        // A fresh evaluation over the same store gives the uncancelled scores.
        var again = new ScheduleEvaluator(TestModels.Denoiser(), "model", TestModels.Spec(), store, TestModels.Options).Evaluate(batch, EvaluationRequest.Default);
        var expected = new ScheduleEvaluator(TestModels.Denoiser(), "model", TestModels.Spec(), new InMemoryScoreStore(), TestModels.Options).Evaluate(batch, EvaluationRequest.Default);
        Assert.Equal(expected.Select(r => r.Score), again.Select(r => r.Score));
    }
}
