using System.Collections.Immutable;
using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Solvers;
using ScheduleSearch.Evaluation.Cost;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Evaluation.Tests.Cost;

/// <summary>Issue 9's cost: a schedule's model time is the sum over its calls of the calling variant's measured time.</summary>
public sealed class ScheduleCostTests
{
    private static readonly VpDiscreteSchedule Vp = VpDiscreteSchedule.Linear();
    private static readonly GaussianMixture Mixture = new([0.4, 0.6], [[1.0, -1.0], [-1.0, 0.5]], [[0.2, 0.3], [0.1, 0.2]]);

    private static readonly ModelCallTimes Times = new()
    {
        MillisecondsPerSample = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create(ModelCallTimes.Primary, 10.0), KeyValuePair.Create("small", 1.0)]),
        Batch = 4,
    };

    private static SamplerSchedule Stitched(SamplerSchedule plain, int first) =>
        plain with { Steps = [.. plain.Steps.Select((s, i) => i < first ? s with { Model = "small" } : s)] };

    [Fact]
    public void A_unic_corrector_call_is_charged_to_the_next_steps_variant()
    {
        // unipc-bh2-2 at NFE 6: step 1's anchor plus one corrector call per step but the last. Steps 1-3 on "small":
        // the anchor and the corrector calls of steps 1-2 (anchors of steps 2-3) are small's; step 3's corrector call
        // lands on step 4, which runs the primary.
        var schedule = Stitched(PresetCatalog.Create("unipc-bh2-2", Vp, 6), 3);
        var calls = ModelCalls.PerModel(schedule);
        Assert.Equal(3, calls["small"]);
        Assert.Equal(3, calls[ModelCallTimes.Primary]);
        Assert.Equal((3 * 1.0) + (3 * 10.0), Times.CostOf(schedule));
    }

    [Fact]
    public void The_cost_of_a_primary_only_schedule_is_its_nfe_times_the_primary_call()
    {
        var schedule = PresetCatalog.Create("dpm-solver++-3m", Vp, 7);
        Assert.Equal(7 * 10.0, Times.CostOf(schedule));
    }

    [Fact]
    public void A_schedule_on_an_unmeasured_variant_has_no_cost_rather_than_a_wrong_one()
    {
        var schedule = PresetCatalog.Create("dpm-solver++-3m", Vp, 7);
        var unmeasured = schedule with { Steps = [.. schedule.Steps.Select((s, i) => i == 0 ? s with { Model = "tiny" } : s)] };
        Assert.Equal(Times.CostOf(schedule), Times.TryCostOf(schedule));
        Assert.Null(Times.TryCostOf(unmeasured));
        Assert.Contains("'tiny'", Assert.Throws<ArgumentException>(() => Times.CostOf(unmeasured)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unipc-bh2-2", 6)]
    [InlineData("unipc-bh1-3", 7)]
    [InlineData("dpm-solver++-2s", 6)]
    [InlineData("dpm-solver-3s", 9)]
    [InlineData("heun", 6)]
    [InlineData("dpm-solver++-3m", 5)]
    public void The_calls_per_variant_are_the_calls_the_sampler_makes_at_every_switch_point(string preset, int nfe)
    {
        var plain = PresetCatalog.Create(preset, Vp, nfe);
        foreach (var implicitCorrector in new[] { false, true })
        {
            foreach (var denoiseToZero in new[] { false, true })
            {
                for (var first = 0; first <= plain.Steps.Length; first++)
                {
                    var schedule = Stitched(plain, first);
                    if (implicitCorrector && schedule.Steps[0].Method == StepMethod.Multistep)
                    {
                        schedule = schedule with { Steps = [.. schedule.Steps.Select(s => s with { Corrector = CorrectorKind.Implicit })] };
                    }

                    schedule = schedule with { Options = schedule.Options with { DenoiseToZero = denoiseToZero } };
                    var primary = new GaussianMixtureDenoiser(Mixture, Vp);
                    var small = new GaussianMixtureDenoiser(Mixture, Vp);
                    new Sampler(primary, variants: new Dictionary<string, IDenoiser> { ["small"] = small }).Run(schedule, [0.3, -0.2], 1);
                    var calls = ModelCalls.PerModel(schedule);
                    Assert.Equal(primary.Calls, calls.GetValueOrDefault(ModelCallTimes.Primary));
                    Assert.Equal(small.Calls, calls.GetValueOrDefault("small"));
                    Assert.Equal(schedule.Nfe, calls.Values.Sum());
                }
            }
        }
    }

    [Fact]
    public void A_schedule_naming_an_unmeasured_variant_has_no_cost()
    {
        var schedule = PresetCatalog.Create("ddim", Vp, 3);
        schedule = schedule with { Steps = schedule.Steps.SetItem(0, schedule.Steps[0] with { Model = "tiny" }) };
        var e = Assert.Throws<ArgumentException>(() => Times.CostOf(schedule));
        Assert.Contains("'tiny'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_timer_measures_what_one_call_at_the_evaluation_batch_costs_so_guidances_doubled_rows_count()
    {
        // A guided network runs two rows per sample inside one call: measured per sample it costs twice the plain one.
        var clock = new SteppedClock();
        var plain = new RowTimedDenoiser(clock, rowsPerSample: 1);
        var guided = new RowTimedDenoiser(clock, rowsPerSample: 2);
        var times = ModelCallTimer.Measure(plain, new Dictionary<string, IDenoiser> { ["guided"] = guided }, batch: 8, warmup: 1, repeats: 5, clock: clock);
        Assert.Equal(8, times.Batch);
        Assert.All(plain.Batches.Concat(guided.Batches), b => Assert.Equal(8, b));
        Assert.Equal(6, plain.Batches.Count);
        Assert.Equal(RowTimedDenoiser.RowMilliseconds, times.MillisecondsPerSample[ModelCallTimes.Primary], 12);
        Assert.Equal(2 * RowTimedDenoiser.RowMilliseconds, times.MillisecondsPerSample["guided"], 12);
    }

    [Fact]
    public void Measured_times_are_stored_with_the_search_and_read_back_instead_of_measured_again()
    {
        using var store = new InMemoryScoreStore();
        var measured = 0;
        ModelCallTimes Measure()
        {
            measured++;
            return Times with { Device = "cpu" };
        }

        var first = ModelCallTimesStore.GetOrMeasure(store, "s", Measure);
        var again = ModelCallTimesStore.GetOrMeasure(store, "s", () => throw new InvalidOperationException("measured twice"));
        Assert.Equal(1, measured);
        Assert.Equal(first, again);
        Assert.Equal(10.0, again.MillisecondsPerSample[ModelCallTimes.Primary]);
        Assert.Null(ModelCallTimesStore.Get(store, "another search"));
    }

    /// <summary>A clock that moves only when told (ticks of 1 ns).</summary>
    private sealed class SteppedClock : TimeProvider
    {
        public long Ticks { get; set; }

        public override long TimestampFrequency => 1_000_000_000;

        public override long GetTimestamp() => Ticks;
    }

    /// <summary>Takes a fixed time per row on the clock; a guided network has two rows per sample.</summary>
    private sealed class RowTimedDenoiser(SteppedClock clock, int rowsPerSample) : IDenoiser
    {
        public const double RowMilliseconds = 0.25;

        public List<int> Batches { get; } = [];

        public NoiseSchedule Schedule => Vp;

        public int SampleSize => 2;

        public long Calls => Batches.Count;

        public void Predict(ReadOnlySpan<double> x, int batch, double t, Span<double> x0, Span<double> eps)
        {
            Batches.Add(batch);
            clock.Ticks += (long)(batch * rowsPerSample * RowMilliseconds * 1_000_000);
        }
    }
}
