using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Solvers;

namespace ScheduleSearch.Core.Tests.Denoising;

/// <summary>
/// The VE view is how k-diffusion and diffusers' sigma schedulers see a VP model; <c>export</c> scores their runs on it,
/// so a preset run in the view must be the preset run in the model's own time, up to the state's scale alpha(t).
/// </summary>
public sealed class VeViewDenoiserTests
{
    private const int Batch = 6;
    private static readonly GaussianMixture Mixture = new([0.3, 0.7], [[1.0, -0.5, 0.2], [-1.5, 0.5, 2.0]], [[0.2, 0.1, 0.4], [0.05, 0.3, 0.2]]);

    /// <summary>
    /// The presets export maps a target's sampler to (k-diffusion's and diffusers' Euler, Heun, DPM-Solver(++) multistep
    /// and singlestep) and a UniC-corrected one: exponential-integrator steps in log-SNR and the VE-view Euler and Heun
    /// read the same in either time, so their runs agree to rounding.
    /// </summary>
    public static TheoryData<string, string> Presets()
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in new[] { "vp-discrete", "vp-linear" })
        {
            foreach (var preset in new[] { "ddim", "euler", "heun", "dpm-solver++-2m", "dpm-solver++-3m", "dpm-solver-2m", "unipc-bh2-3", "unipc-bh1-2", "dpm-solver++-2s-fixed", "dpm-solver-3s" })
            {
                data.Add(kind, preset);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public void A_preset_run_in_the_ve_view_on_the_same_points_equals_its_run_in_the_models_own_time(string kind, string preset)
    {
        var model = new GaussianMixtureDenoiser(Mixture, NoiseSchedule.FromKind(kind));
        var own = PresetCatalog.Create(preset, model.Schedule, 6);
        var noise = Noise();
        var vp = new double[noise.Length];
        Sampler.InitialState(model.Schedule, own.Timesteps[0], noise, vp);
        new Sampler(model).Run(own, vp, Batch);

        var view = new VeViewDenoiser(model);
        var sigmas = own.Timesteps.Select(model.Schedule.VeSigma).ToArray();
        var ve = new double[noise.Length];
        view.InitialState(own.Timesteps[0], noise, ve);
        new Sampler(view).Run(new SamplerSchedule(own.Name, view.Schedule.Kind, sigmas, own.Steps), ve, Batch);

        var alphaEnd = model.Schedule.Alpha(own.Timesteps[^1]);
        for (var i = 0; i < vp.Length; i++)
        {
            Assert.True(Math.Abs(vp[i] - (alphaEnd * ve[i])) <= 1e-10, $"{preset} on {kind}: value {i} is {vp[i]} in the model's time and {alphaEnd * ve[i]} from the view");
        }
    }

    [Fact]
    public void The_views_start_state_is_the_models_start_state_divided_by_alpha()
    {
        var model = new GaussianMixtureDenoiser(Mixture, NoiseSchedule.FromKind("vp-discrete"));
        var view = new VeViewDenoiser(model);
        var noise = Noise();
        var x = new double[noise.Length];
        var tStart = model.Schedule.DefaultTStart;

        view.InitialState(tStart, noise, x);

        var sigma = model.Schedule.VeSigma(tStart);
        for (var i = 0; i < x.Length; i++)
        {
            Assert.Equal(noise[i] * Math.Sqrt(1 + (sigma * sigma)), x[i], 1e-12);
        }
    }

    [Fact]
    public void A_view_reaching_below_the_models_lowest_sigma_steps_there_without_asking_the_model_there()
    {
        // ComfyUI's uni_pc ends at sigma 0.001, below a 1000-step VP model's lowest sigma (about 0.01); its last step
        // has no corrector, so it makes no call there.
        var model = new GaussianMixtureDenoiser(Mixture, NoiseSchedule.FromKind("vp-discrete"));
        var view = new VeViewDenoiser(model, 0.001);
        Assert.Equal(0.001, view.Schedule.TMin);
        var sigmas = PresetCatalog.Create("unipc-bh2-3", model.Schedule, 5).Timesteps.Select(model.Schedule.VeSigma).ToArray();
        sigmas[^1] = 0.001;
        var x = new double[Batch * 3];
        view.InitialState(model.Schedule.DefaultTStart, Noise(), x);

        new Sampler(view).Run(PresetCatalog.Create("unipc-bh2-3", view.Schedule, sigmas), x, Batch);

        Assert.Equal(5, model.Calls);
        Assert.All(x, v => Assert.True(double.IsFinite(v)));
        var error = Assert.Throws<InvalidOperationException>(() => view.Predict(x, Batch, 0.001, new double[x.Length], new double[x.Length]));
        Assert.Contains("no time for sigma 0.001", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_that_is_not_variance_preserving_is_refused_naming_its_schedule()
    {
        var edm = new GaussianMixtureDenoiser(Mixture, NoiseSchedule.FromKind("edm"));

        var error = Assert.Throws<ArgumentException>(() => new VeViewDenoiser(edm));

        Assert.Contains("'edm'", error.Message, StringComparison.Ordinal);
    }

    private static double[] Noise()
    {
        var rng = new Random(11);
        return Enumerable.Range(0, Batch * 3).Select(_ =>
        {
            var u1 = 1.0 - rng.NextDouble();
            return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * rng.NextDouble());
        }).ToArray();
    }
}
