using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Spacings;

namespace ScheduleSearch.Core.Tests.Spacings;

/// <summary>SD3/Flux's shifted flow spacing (diffusers' FlowMatchEulerDiscreteScheduler, shift 3, no dynamic shifting).</summary>
public sealed class FlowShiftSpacingTests
{
    [Fact]
    public void Shift_3_gives_the_sigmas_of_diffusers_sd3_scheduler_between_the_same_ends()
    {
        // diffusers, 5 steps: sigmas = shift(linspace(1, shift(1/1000), 5)) with shift(u) = 3u / (1 + 2u); the grid's
        // ends are its first and last sigma (the terminal 0 that diffusers appends is the grid's t_end choice).
        double[] diffusers = [1.0, 0.900359066427289, 0.7511210762331838, 0.5029850746268658, 0.00892857142857143];

        var grid = Grids.Build(Spacing.FlowShift(3.0), new FlowSchedule(), 4, 1.0, diffusers[^1]);

        Assert.Equal(diffusers.Length, grid.Length);
        Assert.All(Enumerable.Range(0, grid.Length), i => Assert.Equal(diffusers[i], grid[i], 12));
    }

    [Fact]
    public void Shift_1_is_time_uniform_and_a_larger_shift_crowds_the_steps_at_high_noise()
    {
        var flow = new FlowSchedule();
        var uniform = Grids.Build(Spacing.TimeUniform, flow, 6, 0.999, 0.001);

        Assert.Equal(uniform, Grids.Build(Spacing.FlowShift(1.0), flow, 6, 0.999, 0.001), new ToleranceComparer(1e-12));
        var shifted = Grids.Build(Spacing.FlowShift(3.0), flow, 6, 0.999, 0.001);
        Assert.Equal((0.999, 0.001), (shifted[0], shifted[^1]));
        Assert.All(Enumerable.Range(1, 5), i => Assert.True(shifted[i] > uniform[i], $"step {i}: {shifted[i]} <= {uniform[i]}"));
    }

    [Fact]
    public void The_name_round_trips_and_a_schedule_other_than_flow_is_refused()
    {
        var spacing = Spacing.Parse("flow-shift(3)");

        Assert.Equal("flow-shift(3)", spacing.Name);
        Assert.Equal(Spacing.FlowShift(3.0), spacing);
        Assert.Throws<ArgumentException>(() => Spacing.Parse("flow-shift(-1)"));
        var error = Assert.Throws<ArgumentException>(() => Grids.Build(spacing, VpDiscreteSchedule.Linear(), 4, 1.0, 0.001));
        Assert.Contains("flow schedules", error.Message, StringComparison.Ordinal);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
