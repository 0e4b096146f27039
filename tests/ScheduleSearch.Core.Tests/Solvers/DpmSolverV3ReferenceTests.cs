using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Solvers;
using ScheduleSearch.Core.Spacings;
using ScheduleSearch.Core.Tests.Support;
using ScheduleSearch.Tests.Shared;
using Xunit.Abstractions;

namespace ScheduleSearch.Core.Tests.Solvers;

/// <summary>
/// The dpm-solver-v3 preset reproduces the authors' sampler (refdata/dpm_solver_v3, float64, their statistics of
/// mixture A) to 1e-9 * max(1, max|expected|), state by state, with the same snapped grid, orders and model calls.
/// </summary>
public sealed class DpmSolverV3ReferenceTests(ITestOutputHelper output)
{
    public static TheoryData<string> Cases => new()
    {
        "v3_nfe5", "v3_nfe6", "v3_nfe8", "v3_nfe10", "v3_nfe6_time_uniform_o2_cpseudo", "v3_nfe10_time_uniform_o3_cpseudo", "v3_degenerated_nfe10",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Preset_reproduces_the_authors_sampler_step_by_step(string caseName)
    {
        var noise = VpDiscreteSchedule.Linear();
        var ems = V3RefData.Statistics();
        var caseJson = V3RefData.Json(caseName, "case.json");
        var timesJson = V3RefData.Json(caseName, "timesteps.json");
        var steps = caseJson.GetProperty("steps").GetInt32();
        var spacing = caseJson.GetProperty("skip_type").GetString() == "logSNR" ? Spacing.LogSnrUniform : Spacing.TimeUniform;
        var schedule = PresetCatalog.Create(DpmSolverV3Preset.Name, noise, steps, spacing, 1.0, 1e-3, ems, V3RefData.Options(caseJson));

        // The snapped grid, the predictor orders and the corrector orders are the authors'.
        var grid = V3RefData.Doubles(timesJson.GetProperty("timesteps"));
        Assert.Equal(grid.Length, schedule.Timesteps.Length);
        for (var i = 0; i < grid.Length; i++)
        {
            Assert.True(Math.Abs(grid[i] - schedule.Timesteps[i]) <= 1e-12, $"grid point {i}: {schedule.Timesteps[i]:R} vs {grid[i]:R}");
        }

        var orders = timesJson.GetProperty("step_predictor_orders").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal(orders, schedule.Steps.Select(s => s.Order).ToArray());
        var correctors = timesJson.GetProperty("step_corrector_orders").EnumerateArray()
            .Select(e => e.ValueKind == System.Text.Json.JsonValueKind.Null ? 0 : e.GetInt32()).ToArray();
        for (var k = 1; k < steps; k++)
        {
            // The authors' corrector at the start of step k + 1 is step k's corrector here.
            var step = schedule.Steps[k - 1];
            var expected = correctors[k] > 1 ? correctors[k] : 0;
            var actual = step.Corrector == CorrectorKind.None ? 0 : step.Order + (step.Corrector == CorrectorKind.DpmSolverV3Pseudo ? 1 : 0);
            Assert.Equal(expected, actual);
        }

        var denoiser = new CountingDenoiser(new GaussianMixtureDenoiser(RefData.Mixture(), noise));
        var x = (double[])RefData.Array(".", "noise.npy").Data.Clone();
        var expectedOut = V3RefData.Array(caseName, "expected.npy").Data;
        var intermediates = V3RefData.Array(caseName, "intermediates.npy").Data;
        var size = x.Length;
        var tolerance = 1e-9 * Math.Max(1.0, expectedOut.Max(Math.Abs));
        var worstStep = 0.0;
        new Sampler(denoiser, ems: ems).Run(schedule, x, 16, (i, state) =>
        {
            var reference = intermediates.AsSpan((i + 1) * size, size);
            var error = MaxAbs(state, reference);
            worstStep = Math.Max(worstStep, error);
            Assert.True(error <= tolerance, $"{caseName}: state after step {i + 1} differs by {error:E3}");
        });

        var final = MaxAbs(x, expectedOut);
        output.WriteLine($"{caseName}: max |out - expected| = {final:E2}, worst state {worstStep:E2}, NFE {denoiser.Times.Count}");
        Assert.True(final <= tolerance, $"{caseName}: max abs error {final:E3} > {tolerance:E3}");

        var times = V3RefData.Doubles(timesJson.GetProperty("model_eval_times"));
        Assert.Equal(steps, schedule.Nfe);
        Assert.Equal(times.Length, denoiser.Times.Count);
        for (var i = 0; i < times.Length; i++)
        {
            Assert.True(Math.Abs(times[i] - denoiser.Times[i]) <= 1e-12, $"call {i}: t = {denoiser.Times[i]} vs {times[i]}");
        }
    }

    [Fact]
    public void Degenerated_v3_is_not_dpm_solver_plus_plus_3m_on_the_same_grid()
    {
        // v3 integrates the quadratic interpolant exactly; DPM-Solver++ 3M weights its D2 term by half (refdata README 5).
        var noise = VpDiscreteSchedule.Linear();
        var denoiser = new GaussianMixtureDenoiser(RefData.Mixture(), noise);
        var x = (double[])RefData.Array(".", "noise.npy").Data.Clone();
        var dpmpp = PresetCatalog.Create("dpm-solver++-3m", noise, 10, Spacing.LogSnrUniform, 1.0, 1e-3);
        new Sampler(denoiser).Run(dpmpp, x, 16);
        var expected = V3RefData.Array("v3_degenerated_nfe10", "expected.npy").Data;
        Assert.True(MaxAbs(x, expected) > 1e-3, $"3M equals degenerated v3 to {MaxAbs(x, expected):E2}");
    }

    [Fact]
    public void Degenerated_statistics_need_no_card_statistics()
    {
        // Without a card's statistics the degenerated grid is 1200 lambda steps over the model's default range, which
        // for this model is the grid of the reference case: the same output.
        var noise = VpDiscreteSchedule.Linear();
        var options = DpmSolverV3Options.Default with { Degenerated = true, UseCorrector = false, LowerOrderFinal = false };
        var schedule = PresetCatalog.Create(DpmSolverV3Preset.Name, noise, 10, Spacing.LogSnrUniform, v3Options: options);
        var x = (double[])RefData.Array(".", "noise.npy").Data.Clone();
        new Sampler(new GaussianMixtureDenoiser(RefData.Mixture(), noise)).Run(schedule, x, 16);
        var expected = V3RefData.Array("v3_degenerated_nfe10", "expected.npy").Data;
        Assert.True(MaxAbs(x, expected) <= 1e-9 * Math.Max(1.0, expected.Max(Math.Abs)), $"differs by {MaxAbs(x, expected):E2}");
    }

    [Fact]
    public void A_v3_step_without_statistics_is_refused_naming_the_card_field()
    {
        var noise = VpDiscreteSchedule.Linear();
        var schedule = PresetCatalog.Create(DpmSolverV3Preset.Name, noise, 6, Spacing.LogSnrUniform, ems: V3RefData.Statistics());
        var sampler = new Sampler(new GaussianMixtureDenoiser(RefData.Mixture(), noise));
        var error = Assert.Throws<ScheduleFormatException>(() => sampler.Run(schedule, new double[16 * 8], 16));
        Assert.Contains("\"ems\"", error.Message, StringComparison.Ordinal);
        var noStats = Assert.Throws<ArgumentException>(() => PresetCatalog.Create(DpmSolverV3Preset.Name, noise, 6));
        Assert.Contains("model stats", noStats.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Off_grid_times_interpolate_the_statistics_and_converge_to_the_on_grid_result()
    {
        // Between grid points the statistics are interpolated linearly, so the output is continuous in the times: moving
        // every inner time by a fraction of a grid interval moves the output in proportion (no jump at the grid points).
        var noise = VpDiscreteSchedule.Linear();
        var ems = V3RefData.Statistics();
        var schedule = PresetCatalog.Create(DpmSolverV3Preset.Name, noise, 6, Spacing.LogSnrUniform, 1.0, 1e-3, ems);
        var denoiser = new GaussianMixtureDenoiser(RefData.Mixture(), noise);
        double[] Run(SamplerSchedule plan)
        {
            var x = (double[])RefData.Array(".", "noise.npy").Data.Clone();
            new Sampler(denoiser, ems: ems).Run(plan, x, 16);
            return x;
        }

        var onGrid = Run(schedule);
        var spacing = ems.Lambda[1] - ems.Lambda[0];
        double Shifted(double fraction) => MaxAbs(Run(schedule with
        {
            Timesteps = [.. schedule.Timesteps.Select((t, i) => i == 0 || i == schedule.Timesteps.Length - 1 ? t : noise.InverseLambda(noise.Lambda(t) + (fraction * spacing)))],
        }), onGrid);
        var tiny = Shifted(0.001);
        var small = Shifted(0.01);
        var half = Shifted(0.5);
        output.WriteLine($"shift 0.001 grid interval: {tiny:E2}; 0.01: {small:E2}; 0.5: {half:E2}");
        Assert.InRange(small / tiny, 5.0, 20.0);
        Assert.InRange(half / small, 25.0, 100.0);
    }

    private static double MaxAbs(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var max = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs(a[i] - b[i]));
        }

        return max;
    }
}
