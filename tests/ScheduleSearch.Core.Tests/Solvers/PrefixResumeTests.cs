using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Solvers;
using ScheduleSearch.Core.Spacings;
using ScheduleSearch.Core.Tests.Support;

namespace ScheduleSearch.Core.Tests.Solvers;

/// <summary>Prefix sharing (issue 6): a schedule resumed from another's state after k steps is the same run, bit for bit.</summary>
public sealed class PrefixResumeTests
{
    private const int Batch = 3;
    private static readonly VpDiscreteSchedule Vp = VpDiscreteSchedule.Linear();
    private static readonly GaussianMixture Mixture = new([0.4, 0.6], [[1.0, -1.0], [-1.0, 0.5]], [[0.2, 0.3], [0.1, 0.2]]);
    private static readonly GaussianMixture SmallMixture = new([0.5, 0.5], [[0.9, -1.1], [-0.8, 0.4]], [[0.25, 0.3], [0.1, 0.15]]);

    [Fact]
    public void Resuming_from_a_prefix_state_gives_the_same_samples_bit_for_bit()
    {
        var rng = new Random(6);
        var checkedRuns = 0;
        var changedSuffixes = 0;
        var changedOptions = 0;
        for (var attempt = 0; attempt < 3000 && checkedRuns < 400; attempt++)
        {
            var a = Widen(rng, RandomSchedules.Create(rng, Vp, clipOrder: rng.Next(2) == 0));
            if (ScheduleValidator.Problems(a, Vp).Count > 0)
            {
                continue;
            }

            var k = rng.Next(0, a.Steps.Length);
            var noise = Noise(rng);
            var (sampler, _) = NewSampler();
            SamplerState? state = null;
            var full = (double[])noise.Clone();
            sampler.RunFrom(a, full, Batch, null, (steps, capture) =>
            {
                if (steps == k)
                {
                    state = capture();
                }
            });
            Assert.NotNull(state);
            Assert.Equal(k, state.Steps);

            // The same schedule resumed, and another one sharing the first k steps and the key, resumed from the same state.
            var b = OtherSuffix(rng, a, k) ?? a;
            changedSuffixes += b == a ? 0 : 1;
            changedOptions += b.Options == a.Options ? 0 : 1;
            foreach (var plan in new[] { a, b })
            {
                var expected = (double[])noise.Clone();
                NewSampler().Sampler.Run(plan, expected, Batch);
                var resumed = new double[noise.Length];
                NewSampler().Sampler.RunFrom(plan, resumed, Batch, state, null);
                Assert.Equal(expected, resumed);
            }

            checkedRuns++;
        }

        Assert.Equal(400, checkedRuns);
        Assert.True(changedSuffixes > 200, $"only {changedSuffixes} runs resumed a schedule with another suffix");
        Assert.True(changedOptions > 20, $"only {changedOptions} runs resumed a schedule with other options");
    }

    [Fact]
    public void Two_schedules_that_differ_only_after_step_k_share_the_state_and_the_calls_of_the_prefix()
    {
        var a = PresetCatalog.Create("unipc-bh2-3", Vp, 8, Spacing.LogSnrUniform);
        const int k = 4;
        var later = a.Timesteps.Select((t, i) => i > k && i < a.Timesteps.Length - 1 ? t * 0.9 : t);
        var b = a with
        {
            Timesteps = [.. later],
            Steps = [.. a.Steps.Select((s, i) => i > k ? s with { Order = 2, Derivative = DerivativeForm.UniPcBh1 } : s)],
        };
        Assert.Empty(ScheduleValidator.Problems(b, Vp));
        Assert.Equal(SamplerPrefix.Key(a, k), SamplerPrefix.Key(b, k));
        Assert.NotEqual(SamplerPrefix.Key(a, k + 1), SamplerPrefix.Key(b, k + 1));

        var noise = Noise(new Random(1));
        var (sampler, primary) = NewSampler();
        SamplerState? state = null;
        sampler.RunFrom(a, (double[])noise.Clone(), Batch, null, (steps, capture) => state = steps == k ? capture() : state);
        Assert.Equal(a.Nfe, primary.Calls);

        var (resumer, counted) = NewSampler();
        var resumed = new double[noise.Length];
        resumer.RunFrom(b, resumed, Batch, state, null);
        Assert.Equal(b.Nfe - EvaluationPlan.CountBefore(b, k), counted.Calls);
        Assert.Equal(k + 1, EvaluationPlan.CountBefore(b, k)); // UniPC: one evaluation a step, the anchor of step k by step k-1's UniC
        var expected = (double[])noise.Clone();
        NewSampler().Sampler.Run(b, expected, Batch);
        Assert.Equal(expected, resumed);
    }

    [Fact]
    public void The_prefix_key_at_step_k_holds_the_model_and_time_shift_of_step_ks_anchor_but_not_its_other_decisions()
    {
        foreach (var plan in new[] { PresetCatalog.Create("unipc-bh2-2", Vp, 5), PresetCatalog.Create("dpm-solver++-2m", Vp, 5) })
        {
            var stitched = plan with { Steps = plan.Steps.SetItem(2, plan.Steps[2] with { Model = "small" }) };
            var shifted = plan with { Steps = plan.Steps.SetItem(2, plan.Steps[2] with { TimeShift = 0.001 }) };
            var noise = plan with { Steps = plan.Steps.SetItem(2, plan.Steps[2] with { Prediction = Prediction.Noise, Order = 1 }) };
            Assert.NotEqual(SamplerPrefix.Key(plan, 2), SamplerPrefix.Key(stitched, 2));
            Assert.NotEqual(SamplerPrefix.Key(plan, 2), SamplerPrefix.Key(shifted, 2));
            Assert.Equal(SamplerPrefix.Key(plan, 2), SamplerPrefix.Key(noise, 2));
            Assert.NotEqual(SamplerPrefix.Key(plan, 3), SamplerPrefix.Key(noise, 3));
            Assert.Equal(SamplerPrefix.Key(plan, 1), SamplerPrefix.Key(stitched, 1));
        }
    }

    [Fact]
    public void States_captured_by_one_run_and_the_state_it_resumed_from_share_the_history_points_they_have_in_common()
    {
        var plan = PresetCatalog.Create("dpm-solver++-3m", Vp, 8);
        var states = new SamplerState[plan.Steps.Length];
        var (sampler, _) = NewSampler();
        sampler.RunFrom(plan, Noise(new Random(3)), Batch, null, (steps, capture) => states[steps] = capture());
        var resumed = new SamplerState[plan.Steps.Length];
        sampler.RunFrom(plan, new double[Batch * 2], Batch, states[3], (steps, capture) => resumed[steps] = capture());
        Assert.All(resumed.Take(4), Assert.Null);

        static void AssertShared(SamplerState a, SamplerState b)
        {
            var common = a.History.Select(p => p.T).Intersect(b.History.Select(p => p.T)).Count();
            var shared = a.Buffers().Select(p => p.Buffer).Intersect(b.Buffers().Select(p => p.Buffer), ReferenceEqualityComparer.Instance).Count();
            Assert.True(common > 0);
            Assert.Equal(common, shared);
        }

        AssertShared(states[2], states[3]);
        AssertShared(states[4], states[6]);
        AssertShared(states[3], resumed[4]);
        AssertShared(states[3], resumed[5]);
        Assert.True(states[6].SizeInBytes > states[6].X.Length * sizeof(double) * 8);
    }

    [Fact]
    public void A_state_is_refused_by_a_schedule_whose_first_steps_differ()
    {
        var a = PresetCatalog.Create("dpm-solver++-2m", Vp, 6);
        var b = a with { Steps = a.Steps.SetItem(0, a.Steps[0] with { Prediction = Prediction.Noise }) };
        SamplerState? state = null;
        NewSampler().Sampler.RunFrom(a, Noise(new Random(2)), Batch, null, (steps, capture) => state = steps == 3 ? capture() : state);
        var (sampler, counted) = NewSampler();
        var error = Assert.Throws<ArgumentException>(() => sampler.RunFrom(b, new double[Batch * 2], Batch, state, null));
        Assert.StartsWith("the prefix state was captured after 3 steps of a schedule whose first steps differ", error.Message);
        Assert.Equal(0, counted.Calls);
    }

    private static (Sampler Sampler, GaussianMixtureDenoiser Primary) NewSampler()
    {
        var primary = new GaussianMixtureDenoiser(Mixture, Vp);
        var variants = new Dictionary<string, IDenoiser> { ["small"] = new GaussianMixtureDenoiser(SmallMixture, Vp) };
        return (new Sampler(primary, DataStatistics.Of(Mixture), variants), primary);
    }

    private static double[] Noise(Random rng) =>
        [.. Enumerable.Range(0, Batch * 2).Select(_ => (rng.NextDouble() * 4.0) - 2.0)];

    /// <summary>Adds the wider decisions (model variants, time shifts, compensation, momentum, variance matching, afs, teleport).</summary>
    private static SamplerSchedule Widen(Random rng, SamplerSchedule schedule)
    {
        var steps = schedule.Steps.Select((s, i) => WidenStep(rng, s)).ToList();
        if (rng.Next(10) == 0)
        {
            steps[0] = new StepChoice { Method = StepMethod.Teleport };
        }

        var options = schedule.Options with
        {
            Momentum = rng.Next(3) == 0 ? 0.3 : 0.0,
            TimeShiftWindow = rng.Next(5) == 0 ? 0.02 : 0.0,
            Afs = rng.Next(5) == 0 ? (AnalyticFirstStep)rng.Next(1, 3) : AnalyticFirstStep.None,
        };
        return schedule with { Steps = [.. steps], Options = options };
    }

    private static StepChoice WidenStep(Random rng, StepChoice step) => step with
    {
        Model = rng.Next(4) == 0 ? "small" : null,
        TimeShift = rng.Next(5) == 0 ? 0.004 * ((rng.NextDouble() * 2.0) - 1.0) : 0.0,
        Compensation = step.Corrector != CorrectorKind.None && rng.Next(3) == 0 ? 1.25 : 1.0,
    };

    /// <summary>The first k steps of <paramref name="a"/> followed by new random steps and times; null if none was valid.</summary>
    private static SamplerSchedule? OtherSuffix(Random rng, SamplerSchedule a, int k)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var end = a.Timesteps[^1];
            var from = a.Timesteps[k];
            var m = rng.Next(1, 5);
            var inner = Enumerable.Range(0, m - 1).Select(_ => end + ((0.05 + (0.9 * rng.NextDouble())) * (from - end))).Distinct().OrderDescending();
            double[] times = [.. a.Timesteps.Take(k + 1), .. inner, end];
            var steps = a.Steps.Take(k).Concat(Enumerable.Range(0, times.Length - 1 - k).Select(_ => WidenStep(rng, RandomSchedules.Step(rng)))).ToArray();
            if (rng.Next(2) == 0)
            {
                steps[k] = steps[k] with { Model = a.Steps[k].Model, TimeShift = a.Steps[k].TimeShift };
            }

            // The suffix and the options are drawn freely; the key alone decides whether the state may be shared.
            var options = a.Options with
            {
                DenoiseToZero = rng.Next(3) == 0 ? !a.Options.DenoiseToZero : a.Options.DenoiseToZero,
                Momentum = rng.Next(4) == 0 ? 0.3 - a.Options.Momentum : a.Options.Momentum,
                ClipOrder = rng.Next(4) == 0 ? !a.Options.ClipOrder : a.Options.ClipOrder,
            };
            var b = a with { Timesteps = [.. times], Steps = [.. steps], Options = options };
            if (ScheduleValidator.Problems(b, Vp).Count == 0 && SamplerPrefix.Key(a, k) == SamplerPrefix.Key(b, k))
            {
                return b;
            }
        }

        return null;
    }
}
