using System.Text.Json;
using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Spacings;

namespace ScheduleSearch.Export.Tests;

/// <summary>
/// What each approximate exporter says its target runs (<see cref="IApproximateExporter.TargetRunOf"/>): the sampler
/// or scheduler it names maps to the tool's preset with the same rules, on the sigmas the target really steps through,
/// and the preset run there makes exactly the model calls the export's "nfe" says the target makes.
/// </summary>
public sealed class TargetRunTests
{
    private static readonly VpDiscreteSchedule Noise = VpDiscreteSchedule.Linear();
    private static readonly IApproximateExporter[] Approximate =
        [(IApproximateExporter)ScheduleExporters.KDiffusion, (IApproximateExporter)ScheduleExporters.Diffusers, (IApproximateExporter)ScheduleExporters.ComfyUi];

    public static TheoryData<string, string, string, bool> KDiffusionCases() => new()
    {
        { "ddim", "sample_euler", "euler", true },
        { "heun", "sample_heun", "heun", true },
        { "dpm-solver++-2m", "sample_dpmpp_2m", "dpm-solver++-2m", true },
        { "unipc-bh2-2", "sample_dpmpp_2m", "dpm-solver++-2m", true },
        { "dpm-solver++-3m", "sample_dpmpp_3m_sde", "dpm-solver++-3m", false },
        { "dpm-solver++-2s-fixed", "sample_dpmpp_2s_ancestral", "dpm-solver++-2s-fixed", true },
        { "dpm-solver-2s-fixed", "sample_dpm_2", "dpm-solver-2s-fixed", false },
    };

    [Theory]
    [MemberData(nameof(KDiffusionCases))]
    public void K_diffusion_runs_the_preset_of_its_sampler_on_the_exported_sigmas_with_the_calls_it_says(string preset, string sampler, string runs, bool exact)
    {
        var (doc, run) = ExportAndRun(ScheduleExporters.KDiffusion, Create(preset));

        Assert.Equal(sampler, doc.GetProperty("sampler").GetString());
        Assert.Equal(runs, run.Segments.Single().Preset);
        Assert.Equal(exact, run.Exact);
        Assert.Equal(Numbers(doc, "sigmas"), run.Sigmas, (a, b) => Math.Abs(a - b) <= 1e-12 * Math.Max(1.0, Math.Abs(a)));
        Assert.Equal(doc.GetProperty("nfe").GetInt32(), run.ModelCalls);
        Assert.Equal(run.ModelCalls, CallsOf(run));
    }

    [Fact]
    public void A_k_diffusion_sampler_the_tool_has_no_preset_for_is_not_run_and_says_which()
    {
        var winner = Winner(Create("ipndm"));

        var run = ((IApproximateExporter)ScheduleExporters.KDiffusion).TargetRunOf(winner, out var why);

        Assert.Null(run);
        Assert.Equal("k-diffusion's sample_lms is not one of the tool's presets", why);
    }

    public static TheoryData<string, string, string> DiffusersCases() => new()
    {
        { "ddim", "DPMSolverMultistepScheduler", "ddim" },
        { "dpm-solver++-2m", "DPMSolverMultistepScheduler", "dpm-solver++-2m" },
        { "dpm-solver++-3m", "DPMSolverMultistepScheduler", "dpm-solver++-3m" },
        { "dpm-solver-2m", "DPMSolverMultistepScheduler", "dpm-solver-2m" },
        { "unipc-bh2-3", "DPMSolverMultistepScheduler", "dpm-solver++-3m" },
        { "euler", "EulerDiscreteScheduler", "euler" },
        { "heun", "HeunDiscreteScheduler", "heun" },
    };

    [Theory]
    [MemberData(nameof(DiffusersCases))]
    public void Diffusers_runs_the_preset_of_its_scheduler_on_the_sigmas_of_the_rounded_timesteps_with_the_calls_it_says(string preset, string scheduler, string runs)
    {
        // Time-uniform points fall between the training steps, so diffusers' integer timesteps move them.
        var (doc, run) = ExportAndRun(ScheduleExporters.Diffusers, Create(preset));

        Assert.Equal(scheduler, doc.GetProperty("scheduler").GetString());
        Assert.Equal(runs, run.Segments.Single().Preset);
        var timesteps = doc.GetProperty("timesteps").EnumerateArray().Select(t => t.GetInt32()).ToArray();
        Assert.Equal(timesteps.Select(k => Noise.VeSigma((k + 1.0) / Noise.TrainSteps)), run.Sigmas.Take(timesteps.Length));
        var final = doc.GetProperty("config").TryGetProperty("final_sigmas_type", out var type) && type.GetString() == "sigma_min" ? Noise.VeSigma(Noise.TMin) : 0.0;
        Assert.Equal(final, run.Sigmas[^1]);
        Assert.Equal(doc.GetProperty("nfe").GetInt32(), run.ModelCalls);
        Assert.Equal(run.ModelCalls, CallsOf(run));
    }

    [Fact]
    public void A_diffusers_export_ending_at_the_last_training_step_runs_to_that_sigma_as_final_sigmas_type_sigma_min_does()
    {
        var winner = Winner(PresetCatalog.Create("dpm-solver++-2m", Noise, 6, Spacing.LogSnrUniform, tEnd: Noise.TMin));

        var run = ((IApproximateExporter)ScheduleExporters.Diffusers).TargetRunOf(winner, out _);

        Assert.NotNull(run);
        Assert.Equal("sigma_min", Export(ScheduleExporters.Diffusers, winner).GetProperty("config").GetProperty("final_sigmas_type").GetString());
        Assert.Equal(Noise.VeSigma(Noise.TMin), run.Sigmas[^1]);
    }

    [Fact]
    public void An_analytical_first_step_is_run_as_the_call_the_target_makes_there()
    {
        var preset = PresetCatalog.Create("dpm-solver++-2m", Noise, 6, Spacing.LogSnrUniform);
        var winner = Winner(preset with { Options = preset.Options with { Afs = AnalyticFirstStep.MeanX0 } });
        Assert.Equal(5, winner.Schedule.Nfe);

        foreach (var exporter in Approximate)
        {
            var run = exporter.TargetRunOf(winner, out _);
            Assert.NotNull(run);
            Assert.Equal(6, run.ModelCalls);
            Assert.Equal(6, CallsOf(run));
        }
    }

    [Fact]
    public void A_model_that_is_not_variance_preserving_is_not_run_and_says_why()
    {
        var edm = new EdmSchedule();
        var winner = new ExportedSchedule
        {
            Schedule = PresetCatalog.Create("dpm-solver++-2m", edm, 6, Spacing.Karras7), Noise = edm, Search = "t", Metric = "teacher-mean-rmse", Score = 0.1, Samples = 8,
        };

        foreach (var exporter in Approximate)
        {
            Assert.Null(exporter.TargetRunOf(winner, out var why));
            Assert.Contains("variance-preserving models only (this model is 'edm')", why, StringComparison.Ordinal);
        }
    }

    /// <summary>The export of <paramref name="schedule"/> and the run its target makes (which must be one the tool runs).</summary>
    private static (JsonElement Doc, TargetRun Run) ExportAndRun(ScheduleExporterBase exporter, SamplerSchedule schedule)
    {
        var winner = Winner(schedule);
        var run = ((IApproximateExporter)exporter).TargetRunOf(winner, out var why);
        Assert.True(run is not null, why);
        return (Export(exporter, winner), run);
    }

    /// <summary>The model calls the run's presets make on their sigmas in the VE view of a VP mixture.</summary>
    private static long CallsOf(TargetRun run)
    {
        var model = new GaussianMixtureDenoiser(new GaussianMixture([1.0], [[0.5, -1.0]], [[0.3, 1.0]]), Noise);
        var view = new VeViewDenoiser(model, run.LowestSigma);
        var x = new double[2];
        view.InitialState(Noise.DefaultTStart, [0.3, -0.7], x);
        run.Run(view, x, 1);
        return model.Calls;
    }

    private static SamplerSchedule Create(string preset) => PresetCatalog.Create(preset, Noise, 6, Spacing.TimeUniform);

    private static ExportedSchedule Winner(SamplerSchedule schedule) =>
        new() { Schedule = schedule, Noise = Noise, Search = "t", Metric = "teacher-mean-rmse", Score = 0.1, Samples = 8 };

    private static JsonElement Export(ScheduleExporterBase exporter, ExportedSchedule winner)
    {
        var writer = new StringWriter();
        exporter.Export([winner], writer);
        return JsonDocument.Parse(writer.ToString()).RootElement.Clone();
    }

    private static double[] Numbers(JsonElement doc, string name) => doc.GetProperty(name).EnumerateArray().Select(v => v.GetDouble()).ToArray();
}
