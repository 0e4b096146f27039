using ScheduleSearch.Core.Solvers;
using ScheduleSearch.Evaluation.Tests.Support;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Evaluation.Tests.Scoring;

/// <summary>
/// <c>export</c> runs a target's sampler outside the evaluator and scores the samples with
/// <see cref="ScheduleEvaluator.ScoreSamples"/>: that score is comparable with the search's own only if samples run
/// from <see cref="ScheduleEvaluator.Noise"/> as the evaluator runs them score what the evaluator scores.
/// </summary>
public sealed class ScoreSamplesTests
{
    [Theory]
    [InlineData("teacher-rmse", false)]
    [InlineData("teacher-mean-rmse", true)]
    public void Samples_run_from_the_evaluators_noise_score_what_the_evaluator_scores_for_the_same_schedule(string metric, bool heldOut)
    {
        using var store = new InMemoryScoreStore();
        var denoiser = TestModels.Denoiser();
        var evaluator = new ScheduleEvaluator(denoiser, "model", TestModels.Spec(metric), store, TestModels.Options);
        var schedule = TestModels.Preset("dpm-solver++-2m", 6);
        var request = heldOut ? new EvaluationRequest { HeldOut = true } : EvaluationRequest.Default;

        var scored = evaluator.Evaluate([schedule], request).Single();
        var noise = evaluator.Noise(heldOut);
        var x = new double[noise.Count * noise.SampleSize];
        Sampler.InitialState(TestModels.Vp, schedule.Timesteps[0], noise.Values, x);
        new Sampler(denoiser).Run(schedule, x, noise.Count);

        Assert.Equal(heldOut ? 32 : 64, noise.Count);
        Assert.Equal(scored.Score, evaluator.ScoreSamples(x, heldOut), 12);
    }

    [Fact]
    public void Samples_of_the_wrong_size_are_refused_naming_the_rows_expected()
    {
        using var store = new InMemoryScoreStore();
        var evaluator = new ScheduleEvaluator(TestModels.Denoiser(), "model", TestModels.Spec(), store, TestModels.Options);

        var error = Assert.Throws<ArgumentException>(() => evaluator.ScoreSamples(new double[10], heldOut: true));

        Assert.StartsWith("expected 32 rows of 4 values, got 10 values", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Samples_that_are_not_finite_score_infinity()
    {
        using var store = new InMemoryScoreStore();
        var evaluator = new ScheduleEvaluator(TestModels.Denoiser(), "model", TestModels.Spec(), store, TestModels.Options);
        var x = new double[32 * 4];
        x[5] = double.NaN;

        Assert.Equal(double.PositiveInfinity, evaluator.ScoreSamples(x, heldOut: true));
    }
}
