using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Solvers;
using ScheduleSearch.Core.Denoising;

namespace ScheduleSearch.Core.Tests.Schedules;

public sealed class ScheduleValidatorTests
{
    private static readonly VpDiscreteSchedule Noise = VpDiscreteSchedule.Linear();

    private static SamplerSchedule Valid() => PresetCatalog.Create("dpm-solver++-3m", Noise, 6);

    [Fact]
    public void A_preset_schedule_has_no_problems() => Assert.Empty(ScheduleValidator.Problems(Valid(), Noise));

    [Fact]
    public void Timesteps_that_do_not_descend_are_named()
    {
        var s = Valid();
        s = s with { Timesteps = s.Timesteps.SetItem(3, s.Timesteps[1]) };
        Assert.Contains(ScheduleValidator.Problems(s, Noise), p => p.StartsWith("timesteps[3]", StringComparison.Ordinal) && p.Contains("strictly descending", StringComparison.Ordinal));
    }

    [Fact]
    public void A_time_outside_the_model_range_is_named_with_the_range()
    {
        var s = Valid();
        s = s with { Timesteps = s.Timesteps.SetItem(0, 1.5) };
        Assert.Contains(ScheduleValidator.Problems(s, Noise), p => p.StartsWith("timesteps[0]: t = 1.5 is outside the model's time range [0.001, 1]", StringComparison.Ordinal));
    }

    [Fact]
    public void A_wrong_number_of_steps_is_refused()
    {
        var s = Valid();
        s = s with { Steps = s.Steps.RemoveAt(0) };
        Assert.Contains(ScheduleValidator.Problems(s, Noise), p => p.Contains("has 7 points for 5 steps; expected 6", StringComparison.Ordinal));
    }

    [Fact]
    public void An_order_the_history_cannot_support_is_refused_unless_clipping_is_on()
    {
        var s = Valid();
        s = s with { Steps = s.Steps.SetItem(1, s.Steps[1] with { Order = 3 }) };
        var problem = Assert.Single(ScheduleValidator.Problems(s, Noise));
        Assert.Equal("step 2: multistep order 3 needs 3 points of history but only 2 exist at this step (lower the order or set options.clip_order)", problem);

        var clipped = s with { Options = s.Options with { ClipOrder = true } };
        Assert.Empty(ScheduleValidator.Problems(clipped, Noise));
        Assert.Equal(2, EvaluationPlan.EffectiveOrder(clipped, 1));
    }

    [Fact]
    public void A_schedule_for_another_time_convention_is_refused()
    {
        var problems = ScheduleValidator.Problems(Valid(), new EdmSchedule());
        Assert.Contains(problems, p => p == "time: the schedule is written in \"vp-discrete\" time but the model's schedule is \"edm\"");
    }

    [Fact]
    public void Unic_on_the_last_step_is_refused_because_no_evaluation_follows()
    {
        var s = Valid();
        s = s with { Steps = s.Steps.SetItem(5, s.Steps[5] with { Corrector = CorrectorKind.UniC }) };
        Assert.Contains(ScheduleValidator.Problems(s, Noise), p => p.StartsWith("step 6: the unic corrector reuses the next step's evaluation", StringComparison.Ordinal));
    }

    [Fact]
    public void Noise_prediction_cannot_land_on_sigma_zero()
    {
        var edm = new EdmSchedule();
        var s = new SamplerSchedule("x", edm.Kind, [80.0, 1.0, 0.0], [StepChoice.Ddim, StepChoice.Ddim with { Prediction = Prediction.Noise }]);
        Assert.Contains(ScheduleValidator.Problems(s, edm), p => p.StartsWith("step 2: ends at t = 0", StringComparison.Ordinal));
    }

    [Fact]
    public void The_sampler_refuses_an_invalid_schedule_before_calling_the_model()
    {
        var s = Valid();
        s = s with { Steps = s.Steps.SetItem(1, s.Steps[1] with { Order = 4 }) };
        var denoiser = new GaussianMixtureDenoiser(new GaussianMixture([1.0], [[0.0]], [[1.0]]), Noise);
        var error = Assert.Throws<ScheduleFormatException>(() => new Sampler(denoiser).Run(s, new double[1], 1));
        Assert.Contains("step 2: multistep order 4", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, denoiser.Calls);
    }

    [Fact]
    public void Order_one_data_and_noise_steps_coincide()
    {
        var s = PresetCatalog.Create("ddim", Noise, 7);
        var noiseForm = s with { Steps = [.. s.Steps.Select(step => step with { Prediction = Prediction.Noise })] };
        var mixture = new GaussianMixture([0.3, 0.7], [[1.0, -2.0], [-1.0, 0.5]], [[0.2, 0.1], [0.3, 0.05]]);
        double[] a = [0.4, -0.3, 1.1, 0.9];
        var b = (double[])a.Clone();
        new Sampler(new GaussianMixtureDenoiser(mixture, Noise)).Run(s, a, 2);
        new Sampler(new GaussianMixtureDenoiser(mixture, Noise)).Run(noiseForm, b, 2);
        for (var i = 0; i < a.Length; i++)
        {
            Assert.Equal(a[i], b[i], 1e-12);
        }
    }
}
