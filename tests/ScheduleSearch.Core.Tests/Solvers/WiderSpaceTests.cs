using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Solvers;
using ScheduleSearch.Core.Spacings;
using ScheduleSearch.Core.Tests.Support;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Core.Tests.Solvers;

/// <summary>The decisions of the wider search space, each checked on the exact Gaussian case where its definition is known.</summary>
public sealed class WiderSpaceTests
{
    private static readonly VpLinearSchedule Vp = new();

    private static DataStatistics Diagonal() => new([.. ExactGaussian.Mean], [.. ExactGaussian.Variance]);

    private static DataStatistics Full() =>
        DataStatistics.Of(new GaussianMixture([1.0], [ExactGaussian.Mean], [ExactGaussian.Variance]));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Teleport_lands_on_the_exact_solution_at_t_skip(bool fullCovariance)
    {
        var model = new ExactGaussian(Vp);
        var schedule = new SamplerSchedule("teleport", Vp.Kind, [1.0, 0.4], [new StepChoice { Method = StepMethod.Teleport }]);
        var x = (double[])model.Noise.Clone();
        var exact = model.Exact(x, 1.0, 0.4);
        var sampler = new Sampler(model.Denoiser, fullCovariance ? Full() : Diagonal());
        sampler.Run(schedule, x, ExactGaussian.Batch);
        Assert.Equal(0, schedule.Nfe);
        Assert.Equal(0, model.Denoiser.Calls);
        for (var i = 0; i < x.Length; i++)
        {
            Assert.True(Math.Abs(x[i] - exact[i]) <= 1e-8, $"{x[i]} vs {exact[i]}");
        }
    }

    [Fact]
    public void A_teleport_first_step_then_a_solver_costs_only_the_solver()
    {
        var grid = Grids.Build(Spacing.LogSnrUniform, Vp, 6, 0.5, 1e-3);
        var solver = PresetCatalog.Create("dpm-solver++-2m", Vp, grid);
        var schedule = new SamplerSchedule("teleport + 2m", Vp.Kind, [1.0, .. grid], [new StepChoice { Method = StepMethod.Teleport }, .. solver.Steps]);
        var model = new ExactGaussian(Vp);
        Assert.Empty(ScheduleValidator.Problems(schedule, Vp));
        Assert.Equal(6, schedule.Nfe);
        var x = (double[])model.Noise.Clone();
        new Sampler(model.Denoiser, Diagonal()).Run(schedule, x, ExactGaussian.Batch);
        Assert.Equal(6, model.Denoiser.Calls);
    }

    [Fact]
    public void Teleport_without_statistics_is_refused_naming_what_is_missing()
    {
        var schedule = new SamplerSchedule("teleport", Vp.Kind, [1.0, 0.4], [new StepChoice { Method = StepMethod.Teleport }]);
        var error = Assert.Throws<ScheduleFormatException>(() => new Sampler(new ExactGaussian(Vp).Denoiser).Run(schedule, new double[4 * ExactGaussian.Batch], ExactGaussian.Batch));
        Assert.Contains("statistics", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Momentum_zero_equals_no_momentum_and_a_positive_momentum_changes_the_result()
    {
        var model = new ExactGaussian(Vp);
        var plain = PresetCatalog.Create("dpm-solver++-2m", Vp, 8);
        var zero = plain with { Options = plain.Options with { Momentum = 0.0 } };
        var some = plain with { Options = plain.Options with { Momentum = 0.4 } };
        var a = Run(model, plain);
        Assert.Equal(a, Run(model, zero));
        var b = Run(model, some);
        Assert.NotEqual(a, b);
        Assert.All(b, v => Assert.True(double.IsFinite(v)));
        Assert.Equal(8, some.Nfe);
    }

    [Fact]
    public void Momentum_on_ddim_averages_the_data_predictions_as_a_heavy_ball()
    {
        // Two DDIM steps with beta: x1 = r1 x0 + k1 m(x0), x2 = r2 x1 + k2 ((1 - beta) m(x1) + beta m(x0)),
        // with r = sigma_t / sigma_s and k = alpha_t (1 - e^-h) (DPM-Solver++ eq. 9, order 1).
        const double beta = 0.3;
        var model = new ExactGaussian(Vp);
        double[] ts = [1.0, 0.5, 0.1];
        var schedule = new SamplerSchedule("hb-ddim", Vp.Kind, ts, [StepChoice.Ddim, StepChoice.Ddim], new ScheduleOptions { Momentum = beta });
        var x = (double[])model.Noise.Clone();
        new Sampler(model.Denoiser).Run(schedule, x, ExactGaussian.Batch);

        var n = model.Noise.Length;
        var x0 = (double[])model.Noise.Clone();
        var m0 = new double[n];
        var eps = new double[n];
        model.Denoiser.Predict(x0, ExactGaussian.Batch, ts[0], m0, eps);
        double R(double s, double t) => Vp.Sigma(t) / Vp.Sigma(s);
        double K(double s, double t) => Vp.Alpha(t) * -Numerics.Special.Expm1(-(Vp.Lambda(t) - Vp.Lambda(s)));
        var x1 = x0.Select((v, i) => (R(ts[0], ts[1]) * v) + (K(ts[0], ts[1]) * m0[i])).ToArray();
        var m1 = new double[n];
        model.Denoiser.Predict(x1, ExactGaussian.Batch, ts[1], m1, eps);
        var expected = x1.Select((v, i) => (R(ts[1], ts[2]) * v) + (K(ts[1], ts[2]) * (((1 - beta) * m1[i]) + (beta * m0[i])))).ToArray();
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(expected[i], x[i], 1e-12);
        }
    }

    [Fact]
    public void A_time_shift_of_zero_equals_none_and_a_shift_moves_only_the_model_call()
    {
        var plain = PresetCatalog.Create("unipc-bh2-2", Vp, 6);
        var zero = plain with { Steps = [.. plain.Steps.Select(s => s with { TimeShift = 0.0 })] };
        var model = new ExactGaussian(Vp);
        Assert.Equal(Run(model, plain), Run(model, zero));

        var shifted = plain with { Steps = plain.Steps.SetItem(2, plain.Steps[2] with { TimeShift = -0.01 }) };
        var recorder = new CountingDenoiser(model.Denoiser);
        var x = (double[])model.Noise.Clone();
        new Sampler(recorder).Run(shifted, x, ExactGaussian.Batch);
        Assert.Equal(6, recorder.Times.Count);
        Assert.Equal(plain.Timesteps[2] - 0.01, recorder.Times[2], 15);
        Assert.Equal(plain.Timesteps[3], recorder.Times[3], 15);
    }

    [Fact]
    public void A_time_shift_outside_the_model_range_is_refused()
    {
        var plain = PresetCatalog.Create("ddim", Vp, 4);
        var shifted = plain with { Steps = plain.Steps.SetItem(0, plain.Steps[0] with { TimeShift = 0.5 }) };
        Assert.Contains(ScheduleValidator.Problems(shifted, Vp), p => p.StartsWith("step 1: time_shift 0.5 evaluates the model at t = 1.5", StringComparison.Ordinal));
    }

    [Fact]
    public void Variance_matching_keeps_every_call_inside_its_window_and_is_near_exact_for_an_exact_model()
    {
        var model = new ExactGaussian(Vp);
        var plain = PresetCatalog.Create("unipc-bh2-3", Vp, 10);
        var matched = plain with { Options = plain.Options with { TimeShiftWindow = 0.02 } };
        var recorder = new CountingDenoiser(model.Denoiser);
        var x = new double[model.Noise.Length];
        Sampler.InitialState(Vp, 1.0, model.Noise, x);
        new Sampler(recorder, Diagonal()).Run(matched, x, ExactGaussian.Batch);
        for (var i = 0; i < recorder.Times.Count; i++)
        {
            Assert.InRange(recorder.Times[i], matched.Timesteps[i] - 0.02 - 1e-12, matched.Timesteps[i] + 0.02 + 1e-12);
        }

        Assert.All(x, v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void Compensation_one_equals_plain_unic_and_needs_a_corrector()
    {
        var plain = PresetCatalog.Create("unipc-bh1-2", Vp, 6);
        var one = plain with { Steps = [.. plain.Steps.Select(s => s with { Compensation = 1.0 })] };
        var model = new ExactGaussian(Vp);
        Assert.Equal(Run(model, plain), Run(model, one));
        var scaled = plain with { Steps = plain.Steps.SetItem(1, plain.Steps[1] with { Compensation = 1.1 }) };
        Assert.NotEqual(Run(model, plain), Run(model, scaled));
        var uncorrected = plain with { Steps = plain.Steps.SetItem(5, plain.Steps[5] with { Compensation = 1.1 }) };
        Assert.Contains(ScheduleValidator.Problems(uncorrected, Vp), p => p.StartsWith("step 6: compensation 1.1", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(AnalyticFirstStep.ZeroX0)]
    [InlineData(AnalyticFirstStep.MeanX0)]
    public void An_analytical_first_step_saves_one_evaluation(AnalyticFirstStep afs)
    {
        var model = new ExactGaussian(Vp);
        var plain = PresetCatalog.Create("dpm-solver++-2m", Vp, 8);
        var analytic = plain with { Options = plain.Options with { Afs = afs } };
        Assert.Equal(7, analytic.Nfe);
        var x = (double[])model.Noise.Clone();
        var exact = model.Exact(x, 1.0, 1e-3);
        new Sampler(model.Denoiser, Diagonal()).Run(analytic, x, ExactGaussian.Batch);
        Assert.Equal(7, model.Denoiser.Calls);
        // At t = 1 (alpha = 0.0064) x0 barely matters: the result stays close to the exact solution.
        Assert.True(x.Zip(exact).Max(p => Math.Abs(p.First - p.Second)) < 0.5);
    }

    [Fact]
    public void The_new_fields_round_trip_through_json_and_change_the_key()
    {
        var plain = PresetCatalog.Create("unipc-bh2-2", Vp, 6);
        var wide = plain with
        {
            Timesteps = [1.0, .. plain.Timesteps.Skip(1).Select(t => t * 0.9)],
            Steps = plain.Steps.SetItem(0, new StepChoice { Method = StepMethod.Teleport }).SetItem(2, plain.Steps[2] with { TimeShift = 0.003, Compensation = 1.05 }),
            Options = new ScheduleOptions { Momentum = 0.2, TimeShiftWindow = 0.01, Afs = AnalyticFirstStep.None },
        };
        var again = ScheduleJson.Read(ScheduleJson.Write(wide));
        Assert.Equal(wide, again);
        Assert.NotEqual(ScheduleKey.Compute(plain), ScheduleKey.Compute(wide));
    }

    private static double[] Run(ExactGaussian model, SamplerSchedule schedule)
    {
        var x = (double[])model.Noise.Clone();
        new Sampler(model.Denoiser).Run(schedule, x, ExactGaussian.Batch);
        return x;
    }
}
