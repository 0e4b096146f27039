using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Solvers;
using ScheduleSearch.Core.Spacings;
using ScheduleSearch.Core.Tests.Support;
using Xunit.Abstractions;

namespace ScheduleSearch.Core.Tests.Solvers;

/// <summary>Per-step choices mix freely: a schedule that switches solver along the way runs and converges.</summary>
public sealed class MixedScheduleTests(ITestOutputHelper output)
{
    /// <summary>UniPC-bh2 (UniP-2 + UniC, third order) for the first half, DPM-Solver++(2M) for the second half.</summary>
    private static SamplerSchedule UniPcThenDpm(NoiseSchedule noise, int nfe)
    {
        var grid = Grids.Build(Spacing.LogSnrUniform, noise, nfe, noise.DefaultTStart, noise.DefaultTEnd);
        var unipc = new StepChoice { Prediction = Prediction.Data, Derivative = DerivativeForm.UniPcBh2, Corrector = CorrectorKind.UniC };
        var dpm = new StepChoice { Prediction = Prediction.Data, Derivative = DerivativeForm.DpmSolver };
        var half = nfe / 2;
        var steps = Enumerable.Range(0, nfe)
            .Select(i => i < half ? unipc with { Order = Math.Min(2, i + 1) } : dpm with { Order = 2 })
            .ToArray();
        return new SamplerSchedule($"unipc-bh2-2 then dpm-solver++-2m, NFE {nfe}", noise.Kind, grid, steps);
    }

    [Fact]
    public void Unipc_steps_followed_by_dpm_solver_steps_count_their_calls_and_converge_at_the_lower_order()
    {
        var model = new ExactGaussian(new VpLinearSchedule());
        int[] nfes = [64, 128, 256, 512];
        var errors = new List<double>();
        foreach (var nfe in nfes)
        {
            var schedule = UniPcThenDpm(model.Schedule, nfe);
            Assert.Equal(nfe, schedule.Nfe);
            var before = model.Denoiser.Calls;
            errors.Add(model.Error(schedule));
            Assert.Equal(nfe, model.Denoiser.Calls - before);
        }

        var order = ExactGaussian.FittedOrder(nfes, errors);
        output.WriteLine($"mixed UniPC(3rd) -> DPM++2M(2nd): errors {string.Join(" ", errors.Select(e => e.ToString("E2", System.Globalization.CultureInfo.InvariantCulture)))}, fitted order {order:F2}");
        Assert.InRange(order, 1.7, 2.3);
    }

    [Fact]
    public void A_mixed_schedule_survives_a_json_round_trip_and_gives_the_same_result()
    {
        var noise = VpDiscreteSchedule.Linear();
        var schedule = UniPcThenDpm(noise, 8);
        var again = ScheduleJson.Read(ScheduleJson.Write(schedule));
        var mixture = new GaussianMixture([0.5, 0.5], [[1.0, 1.0], [-1.0, 0.0]], [[0.1, 0.2], [0.3, 0.1]]);
        double[] a = [0.1, 0.9, -1.3, 0.4];
        var b = (double[])a.Clone();
        new Sampler(new GaussianMixtureDenoiser(mixture, noise)).Run(schedule, a, 2);
        new Sampler(new GaussianMixtureDenoiser(mixture, noise)).Run(again, b, 2);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Noise_and_data_prediction_steps_share_one_history()
    {
        // SEARCH-NOTES: winners at NFE 4-5 often begin with noise-prediction steps and switch to data prediction.
        var noise = VpDiscreteSchedule.Linear();
        var dpm = PresetCatalog.Create("dpm-solver++-2m", noise, 6);
        var switched = dpm with { Steps = [.. dpm.Steps.Select((s, i) => i < 2 ? s with { Prediction = Prediction.Noise } : s)] };
        Assert.Empty(ScheduleValidator.Problems(switched, noise));
        var denoiser = new GaussianMixtureDenoiser(new GaussianMixture([1.0], [[0.5, -0.5]], [[0.2, 0.4]]), noise);
        double[] x = [0.3, 1.1];
        new Sampler(denoiser).Run(switched, x, 1);
        Assert.Equal(6, denoiser.Calls);
        Assert.All(x, v => Assert.True(double.IsFinite(v)));
    }
}
