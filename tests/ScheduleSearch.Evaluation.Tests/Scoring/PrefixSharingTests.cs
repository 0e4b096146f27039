using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Solvers;
using ScheduleSearch.Evaluation.Tests.Support;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Evaluation.Tests.Scoring;

/// <summary>Prefix sharing (issue 6): candidates with the same first steps resume from one state; scores do not change.</summary>
public sealed class PrefixSharingTests
{
    [Fact]
    public void Prefix_sharing_gives_the_same_scores_bit_for_bit_and_counts_the_calls_it_saves()
    {
        var batch = Family();
        Assert.All(batch, c => Assert.Empty(ScheduleValidator.Problems(c, TestModels.Vp)));
        var requests = new[] { EvaluationRequest.Default, new EvaluationRequest { Fidelity = 16 }, new EvaluationRequest { HeldOut = true } };
        var (shared, sharedCounters) = EvaluateAll(batch, requests, TestModels.Options);
        var (plain, plainCounters) = EvaluateAll(batch, requests, TestModels.Options with { PrefixCacheBytes = 0 });

        Assert.Equal(plain.Select(r => r.Score), shared.Select(r => r.Score));
        Assert.Equal(plain.Select(r => r.DetailsJson), shared.Select(r => r.DetailsJson));
        Assert.Equal(0, plainCounters.ModelCallsSaved);
        Assert.True(sharedCounters.ModelCallsSaved > plainCounters.ModelCalls / 4, $"saved {sharedCounters.ModelCallsSaved} of {plainCounters.ModelCalls}");
        Assert.Equal(plainCounters.ModelCalls, sharedCounters.ModelCalls + sharedCounters.ModelCallsSaved);
        Assert.True(sharedCounters.PrefixResumes >= 3 * 6 * 2, $"{sharedCounters.PrefixResumes} resumes");

        // Two candidates at a time share one cache: which states are found first may differ, the scores may not.
        var (parallel, parallelCounters) = EvaluateAll(batch, requests, TestModels.Options with { DegreeOfParallelism = 2 });
        Assert.Equal(plain.Select(r => r.Score), parallel.Select(r => r.Score));
        Assert.Equal(plainCounters.ModelCalls, parallelCounters.ModelCalls + parallelCounters.ModelCallsSaved);
    }

    [Fact]
    public void A_batch_is_evaluated_as_a_prefix_tree_so_siblings_reuse_a_state_while_it_is_hot()
    {
        // Two families whose members differ only in their last step, interleaved; the cache holds one state of the
        // family's depth (dpm-solver++-2m after 5 of 6 steps: 64 samples x 4 values, x and 4 history points, 18 KiB).
        var a = TestModels.Preset("dpm-solver++-2m", 6, "logsnr-uniform");
        var b = TestModels.Preset("unipc-bh1-2", 6, "logsnr-uniform");
        SamplerSchedule Last(SamplerSchedule s, Prediction prediction, int order) =>
            s with { Steps = s.Steps.SetItem(5, s.Steps[5] with { Prediction = prediction, Order = order }) };
        SamplerSchedule[] interleaved = [a, b, Last(a, Prediction.Noise, 2), Last(b, Prediction.Noise, 2), Last(a, Prediction.Noise, 1), Last(b, Prediction.Noise, 1)];
        using var store = new InMemoryScoreStore();
        var evaluator = new ScheduleEvaluator(TestModels.Denoiser(), "model", TestModels.Spec(), store, TestModels.Options with { PrefixCacheBytes = 20 * 1024 });
        evaluator.Teacher();

        evaluator.Evaluate(interleaved, EvaluationRequest.Default);

        Assert.Equal(4, evaluator.Counters.PrefixResumes);
        Assert.Equal((2 * EvaluationPlan.CountBefore(a, 5)) + (2 * EvaluationPlan.CountBefore(b, 5)), evaluator.Counters.ModelCallsSaved);
    }

    private static (List<ScoredSchedule> Results, EvaluatorCounters Counters) EvaluateAll(List<SamplerSchedule> batch, EvaluationRequest[] requests, ScheduleEvaluatorOptions options)
    {
        using var store = new InMemoryScoreStore();
        var evaluator = new ScheduleEvaluator(TestModels.Denoiser(), "model", TestModels.Spec(), store, options);
        evaluator.Teacher();
        evaluator.Teacher(heldOut: true);
        var results = requests.SelectMany(r => evaluator.Evaluate(batch, r)).ToList();
        return (results, evaluator.Counters);
    }

    /// <summary>Six presets and four children of each that keep their parent's first steps (as evolution's children do).</summary>
    internal static List<SamplerSchedule> Family()
    {
        var rng = new Random(6);
        var batch = new List<SamplerSchedule>();
        foreach (var name in new[] { "dpm-solver++-2m", "dpm-solver++-3m", "unipc-bh2-3", "deis-tab-3", "dpm-solver++-2s", "ipndm" })
        {
            var parent = TestModels.Preset(name, 6, "logsnr-uniform");
            batch.Add(parent);
            for (var child = 0; child < 4; child++)
            {
                batch.Add(Child(rng, parent));
            }
        }

        return batch;
    }

    /// <summary>The parent's first k steps, then moved times and other orders/predictions (what an evolutionary child looks like).</summary>
    internal static SamplerSchedule Child(Random rng, SamplerSchedule parent)
    {
        var k = rng.Next(1, parent.Steps.Length);
        var times = parent.Timesteps.ToArray();
        for (var i = k + 1; i < times.Length - 1; i++)
        {
            times[i] = times[i + 1] + ((0.6 + (0.3 * rng.NextDouble())) * (times[i] - times[i + 1]));
        }

        var steps = parent.Steps.Select((s, i) => i < k || s.Method != StepMethod.Multistep || s.Derivative == DerivativeForm.Deis ? s : s with { Prediction = rng.Next(2) == 0 ? Prediction.Noise : Prediction.Data });
        return parent with { Timesteps = [.. times], Steps = [.. steps] };
    }
}
