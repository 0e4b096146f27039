using System.Collections.Immutable;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation.NoiseSets;
using ScheduleSearch.Evaluation.References;
using ScheduleSearch.Evaluation.Tests.Support;
using ScheduleSearch.Storage;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Evaluation.Tests;

public sealed class ScheduleEvaluatorTests
{
    private static readonly SamplerSchedule Ddim = TestModels.Preset("ddim", 6);
    private static readonly SamplerSchedule UniPc = TestModels.Preset("unipc-bh2-3", 5);

    [Fact]
    public void Teacher_rmse_of_the_teacher_schedule_itself_is_zero()
    {
        using var store = new InMemoryScoreStore();
        var spec = TestModels.Spec();
        var evaluator = new ScheduleEvaluator(TestModels.Denoiser(), "model", spec, store, TestModels.Options);
        var teacher = TeacherReferences.Schedule(TestModels.Denoiser(), spec.Teacher);

        var result = Assert.Single(evaluator.Evaluate([teacher], EvaluationRequest.Default));

        Assert.Equal(EvaluationStatus.Ok, result.Status);
        Assert.Equal(0.0, result.Score);
        Assert.Equal(64, result.Fidelity);
        Assert.Contains("\"flip_rate\":0", result.DetailsJson, StringComparison.Ordinal);
    }

    [Fact]
    public void A_few_step_schedule_scores_worse_than_a_finer_one_and_results_keep_candidate_order()
    {
        using var store = new InMemoryScoreStore();
        var evaluator = new ScheduleEvaluator(TestModels.Denoiser(), "model", TestModels.Spec(), store, TestModels.Options);
        var coarse = TestModels.Preset("ddim", 3);
        var fine = TestModels.Preset("ddim", 30);

        var results = evaluator.Evaluate([coarse, fine], EvaluationRequest.Default);

        Assert.Same(coarse, results[0].Schedule);
        Assert.Same(fine, results[1].Schedule);
        Assert.True(results[0].Score > results[1].Score * 2, $"{results[0].Score} vs {results[1].Score}");
        Assert.All(results, r => Assert.Equal(EvaluationStatus.Ok, r.Status));
        Assert.Equal([3, 30], results.Select(r => r.Nfe));
    }

    [Fact]
    public void One_model_call_serves_all_samples_of_a_candidate()
    {
        using var store = new InMemoryScoreStore();
        var denoiser = new CountingDenoiser(TestModels.Denoiser());
        var evaluator = new ScheduleEvaluator(denoiser, "model", TestModels.Spec(), store, TestModels.Options);
        evaluator.Teacher();
        var before = denoiser.Calls;

        evaluator.Evaluate([Ddim, UniPc], EvaluationRequest.Default);

        // Both start with a model call at t_T on the same noise: prefix sharing makes it once.
        Assert.Equal(Ddim.Nfe + UniPc.Nfe - 1, denoiser.Calls - before);
        Assert.Equal(Ddim.Nfe + UniPc.Nfe - 1, evaluator.Counters.ModelCalls);
        Assert.Equal(1, evaluator.Counters.ModelCallsSaved);
        Assert.Equal(2, evaluator.Counters.Evaluations);
        Assert.True(evaluator.Counters.TeacherModelCalls >= 60);
    }

    [Fact]
    public void A_cache_hit_returns_the_stored_score_without_model_calls()
    {
        using var store = new InMemoryScoreStore();
        var first = new ScheduleEvaluator(TestModels.Denoiser(), "model", TestModels.Spec(), store, TestModels.Options);
        var computed = first.Evaluate([Ddim], EvaluationRequest.Default)[0];

        var denoiser = new CountingDenoiser(TestModels.Denoiser());
        var second = new ScheduleEvaluator(denoiser, "model", TestModels.Spec(), store, TestModels.Options);
        var again = second.Evaluate([Ddim], EvaluationRequest.Default)[0];

        Assert.Equal(0, denoiser.Calls);
        Assert.True(again.CacheHit);
        Assert.False(computed.CacheHit);
        Assert.Equal(computed.Score, again.Score);
        Assert.Equal(computed.Key, again.Key);
        Assert.Equal(computed.DetailsJson, again.DetailsJson);
        Assert.Equal(1, second.Counters.CacheHits);
        Assert.Equal(0, second.Counters.Evaluations);
    }

    [Fact]
    public void A_denoiser_returning_nan_gives_status_diverged_and_infinite_score()
    {
        using var store = new InMemoryScoreStore();
        var denoiser = new CountingDenoiser(TestModels.Denoiser());
        var evaluator = new ScheduleEvaluator(denoiser, "model", TestModels.Spec(), store, TestModels.Options);
        evaluator.Teacher();
        denoiser.Poison = true;

        var result = evaluator.Evaluate([Ddim], EvaluationRequest.Default)[0];

        Assert.Equal(EvaluationStatus.Diverged, result.Status);
        Assert.Equal(double.PositiveInfinity, result.Score);
        Assert.Contains("NaN", result.DetailsJson, StringComparison.Ordinal);
        Assert.Equal(EvaluationStatus.Diverged, store.GetEvaluation(result.Key)!.Status);
        Assert.Equal(1, evaluator.Counters.Diverged);
    }

    [Fact]
    public void An_invalid_schedule_fails_with_a_message_instead_of_throwing()
    {
        using var store = new InMemoryScoreStore();
        var evaluator = new ScheduleEvaluator(TestModels.Denoiser(), "model", TestModels.Spec(), store, TestModels.Options);
        var ascending = Ddim with { Timesteps = Ddim.Timesteps.Reverse().ToImmutableArray() };
        var nan = Ddim with { Timesteps = Ddim.Timesteps.SetItem(2, double.NaN) };
        var wrongTime = Ddim with { Time = "edm" };

        var results = evaluator.Evaluate([ascending, Ddim, nan, wrongTime], EvaluationRequest.Default);

        Assert.Equal(
            [EvaluationStatus.Failed, EvaluationStatus.Ok, EvaluationStatus.Failed, EvaluationStatus.Failed],
            results.Select(r => r.Status));
        Assert.Equal(double.PositiveInfinity, results[0].Score);
        Assert.Contains("strictly descending", results[0].DetailsJson, StringComparison.Ordinal);
        Assert.Contains("not a finite number", results[2].DetailsJson, StringComparison.Ordinal);
        Assert.Equal(2, results.Select(r => r.Key).Distinct().Count() - 2);
    }

    [Fact]
    public void Held_out_and_fidelity_give_different_keys_and_record_their_fidelity()
    {
        using var store = new InMemoryScoreStore();
        var evaluator = new ScheduleEvaluator(TestModels.Denoiser(), "model", TestModels.Spec(), store, TestModels.Options);
        var main = evaluator.Evaluate([Ddim], EvaluationRequest.Default)[0];
        var low = evaluator.Evaluate([Ddim], new EvaluationRequest { Fidelity = 16 })[0];
        var heldOut = evaluator.Evaluate([Ddim], new EvaluationRequest { HeldOut = true })[0];
        var heldOutLow = evaluator.Evaluate([Ddim], new EvaluationRequest { HeldOut = true, Fidelity = 16 })[0];

        Assert.Equal(4, new[] { main.Key, low.Key, heldOut.Key, heldOutLow.Key }.Distinct().Count());
        Assert.Equal([64, 16, 32, 16], new[] { main, low, heldOut, heldOutLow }.Select(r => r.Fidelity));
        Assert.Equal(main.ScheduleKey, heldOut.ScheduleKey);
        Assert.NotEqual(main.Score, heldOut.Score);
        Assert.Equal(4, store.CountEvaluations());
    }

    [Fact]
    public void A_requested_noise_set_is_scored_on_its_own_seed_under_a_key_of_its_own()
    {
        using var store = new InMemoryScoreStore();
        var spec = TestModels.Spec();
        var evaluator = new ScheduleEvaluator(TestModels.Denoiser(), "model", spec, store, TestModels.Options);
        var main = evaluator.Evaluate([Ddim], EvaluationRequest.Default)[0];
        var heldOut = evaluator.Evaluate([Ddim], new EvaluationRequest { HeldOut = true })[0];
        var racing = evaluator.Evaluate([Ddim], new EvaluationRequest { Noise = new NoiseSpec(spec.HeldOutSeed + 5, 24) })[0];
        var asHeldOut = evaluator.Evaluate([Ddim], new EvaluationRequest { Noise = new NoiseSpec(spec.HeldOutSeed, spec.HeldOutSamples) })[0];

        Assert.Equal(3, new[] { main.Key, heldOut.Key, racing.Key }.Distinct().Count());
        Assert.Equal(24, racing.Fidelity);
        Assert.NotEqual(main.Score, racing.Score);
        Assert.NotEqual(heldOut.Score, racing.Score);

        // The held-out set named as a noise set is the same noise: the same key and score, from the cache.
        Assert.Equal(heldOut.Key, asHeldOut.Key);
        Assert.Equal(heldOut.Score, asHeldOut.Score);
        Assert.True(asHeldOut.CacheHit);
        var fresh = new ScheduleEvaluator(TestModels.Denoiser(), "model", spec, new InMemoryScoreStore(), TestModels.Options);
        Assert.Equal(heldOut.Score, fresh.Evaluate([Ddim], new EvaluationRequest { Noise = new NoiseSpec(spec.HeldOutSeed, spec.HeldOutSamples) })[0].Score);
    }

    [Fact]
    public void Low_fidelity_scores_the_prefix_of_the_full_noise_set()
    {
        using var store = new InMemoryScoreStore();
        var spec = TestModels.Spec();
        var full = new ScheduleEvaluator(TestModels.Denoiser(), "model", spec, store, TestModels.Options);
        var small = new ScheduleEvaluator(TestModels.Denoiser(), "model-16", spec with { Samples = 16 }, new InMemoryScoreStore(), TestModels.Options);

        var prefix = full.Evaluate([UniPc], new EvaluationRequest { Fidelity = 16 })[0];
        var whole = small.Evaluate([UniPc], EvaluationRequest.Default)[0];

        Assert.Equal(whole.Score, prefix.Score);
    }

    [Fact]
    public void A_fidelity_beyond_the_noise_set_is_refused()
    {
        using var store = new InMemoryScoreStore();
        var evaluator = new ScheduleEvaluator(TestModels.Denoiser(), "model", TestModels.Spec(), store, TestModels.Options);
        Assert.Throws<ArgumentOutOfRangeException>(() => evaluator.Evaluate([Ddim], new EvaluationRequest { Fidelity = 65 }));
    }

    [Fact]
    public void Parallel_evaluation_is_bit_identical_to_sequential_and_repeatable()
    {
        SamplerSchedule[] candidates =
        [
            Ddim, UniPc, TestModels.Preset("dpm-solver++-2m", 5, "logsnr-uniform"),
            TestModels.Preset("dpm-solver++-3m", 7), TestModels.Preset("ddim", 4, "time-quadratic"),
        ];
        double[] Scores(int parallelism) =>
            new ScheduleEvaluator(TestModels.Denoiser(), "model", TestModels.Spec(), new InMemoryScoreStore(), TestModels.Options with { DegreeOfParallelism = parallelism })
                .Evaluate(candidates, EvaluationRequest.Default).Select(r => r.Score).ToArray();

        var sequential = Scores(1);
        Assert.Equal(sequential, Scores(1));
        Assert.Equal(sequential, Scores(3));
    }

    [Fact]
    public void New_evaluations_and_cache_hits_enter_the_search_history()
    {
        using var store = new InMemoryScoreStore();
        store.BeginSearch("first", "{}");
        store.BeginSearch("second", "{}");
        var evaluator = new ScheduleEvaluator(TestModels.Denoiser(), "model", TestModels.Spec(), store, TestModels.Options);

        evaluator.Evaluate([Ddim, UniPc, Ddim], new EvaluationRequest { SearchName = "first", Generation = 2 });
        var hits = evaluator.Evaluate([UniPc], new EvaluationRequest { SearchName = "second" });

        var history = store.GetSearchEvaluations("first");
        Assert.Equal(2, history.Count);
        Assert.All(history, r => Assert.Equal(2, r.Generation));
        Assert.All(history, r => Assert.Equal(["first"], r.SearchNames.ToArray()));
        Assert.True(hits[0].CacheHit);
        Assert.Equal(1, store.CountSearchEvaluations("second"));
    }

    [Fact]
    public void The_teacher_reference_is_stored_once_and_reused_with_its_accuracy()
    {
        using var store = new InMemoryScoreStore();
        var reports = new List<double>();
        var options = TestModels.Options with { VerifyTeacher = true, TeacherProgress = new SynchronousProgress(reports.Add) };
        var first = new ScheduleEvaluator(TestModels.Denoiser(), "model", TestModels.Spec(), store, options).Teacher()!;
        var denoiser = new CountingDenoiser(TestModels.Denoiser());
        var second = new ScheduleEvaluator(denoiser, "model", TestModels.Spec(), store, options).Teacher()!;

        Assert.False(first.FromStore);
        Assert.True(second.FromStore);
        Assert.Equal(0, denoiser.Calls);
        Assert.True(first.Samples.Span.SequenceEqual(second.Samples.Span));
        Assert.NotNull(second.Accuracy);
        Assert.InRange(second.Accuracy!.Value, 0.0, 1e-3);
        Assert.Equal(1.0, reports[^1], 12);
        Assert.Equal(reports.Order(), reports);
    }

    [Fact]
    public void The_metric_spec_key_names_the_teacher_only_for_metrics_that_use_it()
    {
        using var store = new InMemoryScoreStore();
        var rmse = new ScheduleEvaluator(TestModels.Denoiser(), "model", TestModels.Spec(), store, TestModels.Options);
        var nll = new ScheduleEvaluator(TestModels.Denoiser(), "model", TestModels.Spec("gmm-nll"), store, TestModels.Options);

        Assert.Equal("{\"kind\":\"teacher-pooled-rmse\",\"teacher\":{\"nfe\":60,\"preset\":\"dpm-solver++-3m\",\"spacing\":\"logsnr-uniform\"}}", rmse.MetricSpecJson);
        Assert.Equal("{\"kind\":\"gmm-nll\"}", nll.MetricSpecJson);
        Assert.NotEqual(rmse.KeyOf(Ddim, EvaluationRequest.Default), nll.KeyOf(Ddim, EvaluationRequest.Default));
    }

    [Fact]
    public void Keys_and_details_do_not_depend_on_the_current_culture()
    {
        ScoredSchedule Run()
        {
            using var store = new InMemoryScoreStore();
            return new ScheduleEvaluator(TestModels.Denoiser(), "model", TestModels.Spec(), store, TestModels.Options)
                .Evaluate([UniPc], EvaluationRequest.Default)[0];
        }

        var invariant = Run();
        var saved = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            var german = Run();
            Assert.Equal(invariant.Key, german.Key);
            Assert.Equal(invariant.DetailsJson, german.DetailsJson);
            Assert.DoesNotContain(",5", german.DetailsJson, StringComparison.Ordinal);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = saved;
        }
    }

    [Theory]
    [InlineData("teacher-relative")]
    [InlineData("fd")]
    [InlineData("kid")]
    [InlineData("gmm-nll")]
    public void Every_metric_scores_a_coarse_schedule_worse_than_a_fine_one(string kind)
    {
        using var store = new InMemoryScoreStore();
        var evaluator = new ScheduleEvaluator(TestModels.Denoiser(), "model", TestModels.Spec(kind), store, TestModels.Options);
        var results = evaluator.Evaluate([TestModels.Preset("ddim", 2), TestModels.Preset("dpm-solver++-3m", 40, "logsnr-uniform")], EvaluationRequest.Default);
        Assert.All(results, r => Assert.Equal(EvaluationStatus.Ok, r.Status));
        Assert.True(results[0].Score > results[1].Score, $"{kind}: {results[0].Score} vs {results[1].Score}");
    }

    [Fact]
    public void Cancellation_stores_the_evaluations_already_finished()
    {
        using var store = new InMemoryScoreStore();
        using var cts = new CancellationTokenSource();
        var denoiser = new CountingDenoiser(TestModels.Denoiser());
        var cancelling = new CancellingDenoiser(denoiser, cts, afterCalls: Ddim.Nfe + 3);
        var evaluator = new ScheduleEvaluator(cancelling, "model", TestModels.Spec(), store, TestModels.Options);
        evaluator.Teacher();
        cancelling.Arm(denoiser.Calls);

        Assert.ThrowsAny<OperationCanceledException>(() => evaluator.Evaluate([Ddim, UniPc], EvaluationRequest.Default, cts.Token));

        Assert.Equal(1, store.CountEvaluations());
        Assert.NotNull(store.GetEvaluation(evaluator.KeyOf(Ddim, EvaluationRequest.Default)));
    }

    private sealed class SynchronousProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
