using System.Text.Json;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Spacings;

namespace ScheduleSearch.Export.Tests;

/// <summary>
/// The approximate exports run on their targets as the targets' current code reads them (diffusers 58eb52c,
/// k-diffusion, ComfyUI), and say what those targets change; one test per defect found when running them.
/// </summary>
public sealed class ExportDefectTests
{
    /// <summary>
    /// From diffusers' source (commit 58eb52c0): the schedulers whose <c>set_timesteps</c> takes the argument the usage
    /// passes, and every <c>__init__</c> parameter (config keys outside it are dropped by from_config, silently).
    /// UniPCMultistepScheduler takes sigmas only with use_flow_sigmas; DEIS, IPNDM and PNDM take neither.
    /// </summary>
    private static readonly Dictionary<string, (string[] SetTimesteps, string[] Init)> Diffusers = new()
    {
        ["DPMSolverMultistepScheduler"] = (["num_inference_steps", "device", "mu", "timesteps"],
            ["num_train_timesteps", "beta_start", "beta_end", "beta_schedule", "trained_betas", "solver_order", "prediction_type", "thresholding", "dynamic_thresholding_ratio", "sample_max_value", "algorithm_type", "solver_type", "lower_order_final", "euler_at_final", "use_karras_sigmas", "use_exponential_sigmas", "use_beta_sigmas", "use_lu_lambdas", "use_flow_sigmas", "flow_shift", "final_sigmas_type", "lambda_min_clipped", "variance_type", "timestep_spacing", "steps_offset", "rescale_betas_zero_snr", "use_dynamic_shifting", "time_shift_type"]),
        ["DPMSolverSinglestepScheduler"] = (["num_inference_steps", "device", "mu", "timesteps"],
            ["num_train_timesteps", "beta_start", "beta_end", "beta_schedule", "trained_betas", "solver_order", "prediction_type", "thresholding", "dynamic_thresholding_ratio", "sample_max_value", "algorithm_type", "solver_type", "lower_order_final", "use_karras_sigmas", "use_exponential_sigmas", "use_beta_sigmas", "use_flow_sigmas", "flow_shift", "final_sigmas_type", "lambda_min_clipped", "variance_type", "use_dynamic_shifting", "time_shift_type"]),
        ["EulerDiscreteScheduler"] = (["num_inference_steps", "device", "timesteps", "sigmas"],
            ["num_train_timesteps", "beta_start", "beta_end", "beta_schedule", "trained_betas", "prediction_type", "interpolation_type", "use_karras_sigmas", "use_exponential_sigmas", "use_beta_sigmas", "sigma_min", "sigma_max", "timestep_spacing", "timestep_type", "steps_offset", "rescale_betas_zero_snr", "final_sigmas_type"]),
        ["HeunDiscreteScheduler"] = (["num_inference_steps", "device", "num_train_timesteps", "timesteps"],
            ["num_train_timesteps", "beta_start", "beta_end", "beta_schedule", "trained_betas", "prediction_type", "use_karras_sigmas", "use_exponential_sigmas", "use_beta_sigmas", "clip_sample", "clip_sample_range", "timestep_spacing", "steps_offset"]),
    };

    public static TheoryData<string> Presets()
    {
        var data = new TheoryData<string>();
        foreach (var name in PresetCatalog.Names)
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public void The_diffusers_usage_names_a_scheduler_whose_set_timesteps_takes_what_it_passes(string preset)
    {
        foreach (var noise in new NoiseSchedule[] { VpDiscreteSchedule.Linear(), new EdmSchedule() })
        {
            var schedule = Enumerable.Range(4, 9).Select(nfe => TryCreate(preset, noise, nfe)).FirstOrDefault(s => s is not null);
            if (schedule is null && noise is EdmSchedule)
            {
                continue; // fixed-order singlestep presets cannot end at sigma 0 (EDM's grid end); the VP case covers them
            }

            Assert.NotNull(schedule);
            var doc = Export(ScheduleExporters.Diffusers, schedule, noise);
            var scheduler = doc.GetProperty("scheduler").GetString()!;
            Assert.True(Diffusers.TryGetValue(scheduler, out var signature), $"{preset}: {scheduler} takes no custom timesteps or sigmas");
            var usage = doc.GetProperty("usage").GetString()!;
            var passed = usage.Contains("timesteps=timesteps", StringComparison.Ordinal) ? "timesteps" : "sigmas";
            Assert.Contains(passed, signature.SetTimesteps);
            Assert.StartsWith($"pipe.scheduler = {scheduler}.from_config(pipe.scheduler.config, **config)", usage, StringComparison.Ordinal);
            foreach (var key in doc.GetProperty("config").EnumerateObject())
            {
                Assert.Contains(key.Name, signature.Init);
            }
        }
    }

    [Fact]
    public void An_analytical_first_step_counts_the_call_every_target_makes_there()
    {
        var noise = VpDiscreteSchedule.Linear();
        var preset = PresetCatalog.Create("dpm-solver++-2m", noise, 6, Spacing.LogSnrUniform);
        var afs = preset with { Options = preset.Options with { Afs = AnalyticFirstStep.MeanX0 } };
        Assert.Equal(5, afs.Nfe);
        foreach (var exporter in new[] { ScheduleExporters.Diffusers, ScheduleExporters.KDiffusion, ScheduleExporters.ComfyUi })
        {
            var doc = Export(exporter, afs, noise);
            Assert.Equal(6, doc.GetProperty("nfe").GetInt32());
            Assert.Contains(Notes(doc), n => n.StartsWith("nfe is the model calls this target makes (6); the schedule itself makes 5", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void ComfyUi_notes_say_what_splitting_the_sigmas_and_uni_pc_change()
    {
        var noise = VpDiscreteSchedule.Linear();
        var mixed = new SamplerSchedule("mixed", "vp-discrete", [1.0, 0.6, 0.3, 0.12, 0.04, 0.001],
        [
            new StepChoice { Order = 1 },
            new StepChoice { Order = 2, Derivative = DerivativeForm.UniPcBh1, Corrector = CorrectorKind.UniC },
            new StepChoice { Order = 2, Derivative = DerivativeForm.UniPcBh1, Corrector = CorrectorKind.UniC },
            new StepChoice { Order = 2 },
            new StepChoice { Order = 2 },
        ]);
        var notes = Notes(Export(ScheduleExporters.ComfyUi, mixed, noise));
        Assert.Contains(notes, n => n.Contains("each SplitSigmas segment starts its sampler afresh", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.Contains("order min(3, len(sigmas) - 2)", StringComparison.Ordinal)
            && n.Contains("drop the corrector on their last step", StringComparison.Ordinal) && n.Contains("0.001", StringComparison.Ordinal));
    }

    [Fact]
    public void Third_order_multistep_runs_dpmpp_3m_sde_with_eta_0_and_says_it_only_approximates()
    {
        var noise = VpDiscreteSchedule.Linear();
        var schedule = PresetCatalog.Create("dpm-solver++-3m", noise, 6, Spacing.LogSnrUniform);
        var comfy = Export(ScheduleExporters.ComfyUi, schedule, noise);
        var segment = comfy.GetProperty("segments")[0];
        Assert.Equal("dpmpp_3m_sde", segment.GetProperty("sampler").GetString());
        Assert.Equal("SamplerDPMPP_3M_SDE", segment.GetProperty("node").GetString());
        Assert.Equal(0.0, segment.GetProperty("inputs").GetProperty("eta").GetDouble());
        var k = Export(ScheduleExporters.KDiffusion, schedule, noise);
        Assert.Equal(0.0, k.GetProperty("extra_args").GetProperty("eta").GetDouble());
        foreach (var notes in new[] { Notes(comfy), Notes(k) })
        {
            Assert.Contains(notes, n => n.Contains("approximates", StringComparison.Ordinal) && n.Contains("eta 0", StringComparison.Ordinal));
            Assert.DoesNotContain(notes, n => n.Contains("is the deterministic DPM-Solver++ 3M", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Data_prediction_singlestep_runs_dpmpp_2s_ancestral_with_eta_0_not_dpm_2()
    {
        var noise = VpDiscreteSchedule.Linear();
        var schedule = PresetCatalog.Create("dpm-solver++-2s", noise, 6, Spacing.LogSnrUniform);
        var k = Export(ScheduleExporters.KDiffusion, schedule, noise);
        Assert.Equal("sample_dpmpp_2s_ancestral", k.GetProperty("sampler").GetString());
        Assert.Equal(0.0, k.GetProperty("extra_args").GetProperty("eta").GetDouble());
        var segment = Export(ScheduleExporters.ComfyUi, schedule, noise).GetProperty("segments")[0];
        Assert.Equal("dpmpp_2s_ancestral", segment.GetProperty("sampler").GetString());
        Assert.Equal("SamplerDPMPP_2S_Ancestral", segment.GetProperty("node").GetString());
        Assert.Equal(0.0, segment.GetProperty("inputs").GetProperty("eta").GetDouble());
    }

    [Fact]
    public void ComfyUi_deis_is_said_to_be_another_deis()
    {
        var noise = VpDiscreteSchedule.Linear();
        var schedule = PresetCatalog.Create("deis-tab-3", noise, 6, Spacing.TimeUniform);
        Assert.Contains(Notes(Export(ScheduleExporters.ComfyUi, schedule, noise)), n => n.StartsWith("ComfyUI's deis fits its polynomial in another variable", StringComparison.Ordinal));
    }

    [Fact]
    public void K_diffusion_starts_a_vp_model_where_the_schedule_was_scored()
    {
        var noise = VpDiscreteSchedule.Linear();
        var doc = Export(ScheduleExporters.KDiffusion, PresetCatalog.Create("dpm-solver++-2m", noise, 6, Spacing.LogSnrUniform), noise);
        Assert.Equal("noise * (1 + sigmas[0] ** 2) ** 0.5", doc.GetProperty("start").GetString());
        Assert.Contains("x = noise * (1 + sigmas[0] ** 2) ** 0.5", doc.GetProperty("usage").GetString(), StringComparison.Ordinal);
        Assert.Contains(Notes(doc), n => n.Contains("k-diffusion's usual x = noise * sigmas[0] starts elsewhere", StringComparison.Ordinal));
        var edm = new EdmSchedule();
        Assert.Equal("noise * sigmas[0]", Export(ScheduleExporters.KDiffusion, TryCreate("heun", edm, 5) ?? TryCreate("heun", edm, 6)!, edm).GetProperty("start").GetString());
    }

    [Fact]
    public void Every_approximate_export_points_to_the_exact_package()
    {
        var noise = VpDiscreteSchedule.Linear();
        var schedule = PresetCatalog.Create("unipc-bh2-3", noise, 6, Spacing.TimeUniform);
        Assert.Contains("ScheduleSearchScheduler.from_schedule", Export(ScheduleExporters.Diffusers, schedule, noise).GetProperty("exact").GetString(), StringComparison.Ordinal);
        Assert.Contains("sample_schedule", Export(ScheduleExporters.KDiffusion, schedule, noise).GetProperty("exact").GetString(), StringComparison.Ordinal);
        Assert.Contains("Schedule Search Sampler", Export(ScheduleExporters.ComfyUi, schedule, noise).GetProperty("exact").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_json_export_names_the_statistics_file_a_schedule_needs()
    {
        var noise = VpDiscreteSchedule.Linear();
        var preset = PresetCatalog.Create("dpm-solver++-2m", noise, 6, Spacing.LogSnrUniform);
        var afs = preset with { Options = preset.Options with { Afs = AnalyticFirstStep.MeanX0 } };
        Assert.True(ExportedSchedule.NeedsStatistics(afs));
        Assert.False(ExportedSchedule.NeedsStatistics(preset));
        var winner = Winner(afs, noise) with { StatisticsFile = "best.stats.npz" };
        var writer = new StringWriter();
        ScheduleExporters.Json.Export([winner], writer);
        var read = ScheduleJson.Read(writer.ToString());
        Assert.Equal("best.stats.npz", read.StatisticsFile);
        Assert.Equal(afs.Nfe, read.Nfe);
    }

    [Fact]
    public void The_json_export_names_the_dpm_solver_v3_statistics_file_a_schedule_with_v3_steps_reads()
    {
        var noise = VpDiscreteSchedule.Linear();
        var preset = PresetCatalog.Create("dpm-solver++-2m", noise, 6, Spacing.LogSnrUniform);
        var steps = preset.Steps.Select((s, i) => i < 3 ? s with { Derivative = DerivativeForm.DpmSolverV3 } : s);
        var v3 = preset with { Steps = [.. steps] };
        Assert.True(ExportedSchedule.NeedsEms(v3));
        Assert.False(ExportedSchedule.NeedsEms(preset));
        Assert.False(ExportedSchedule.NeedsStatistics(v3));
        var winner = Winner(v3, noise) with { EmsFile = "best.ems.npz" };
        var writer = new StringWriter();
        ScheduleExporters.Json.Export([winner], writer);
        Assert.Equal("best.ems.npz", JsonDocument.Parse(writer.ToString()).RootElement.GetProperty("ems").GetString());
        var read = ScheduleJson.Read(writer.ToString());
        Assert.Equal("best.ems.npz", read.EmsFile);
        Assert.Null(read.StatisticsFile);
        Assert.Equal(v3.Steps.Select(s => s.Derivative), read.Steps.Select(s => s.Derivative));
    }

    private static SamplerSchedule? TryCreate(string preset, NoiseSchedule noise, int nfe)
    {
        try
        {
            // dpm-solver-v3 needs a card's statistics or the authors' degenerated mode (l = 1, s = b = 0); nothing here has a card.
            return PresetCatalog.Create(preset, noise, nfe, noise is EdmSchedule ? Spacing.Karras7 : Spacing.TimeUniform, v3Options: new DpmSolverV3Options { Degenerated = true });
        }
        catch (ArgumentException)
        {
            return null; // this preset cannot spend exactly nfe evaluations; the next count will do
        }
    }

    private static ExportedSchedule Winner(SamplerSchedule schedule, NoiseSchedule noise) =>
        new() { Schedule = schedule, Noise = noise, Search = "t", Metric = "teacher-rmse", Score = 0.1, Samples = 8 };

    private static JsonElement Export(ScheduleExporterBase exporter, SamplerSchedule schedule, NoiseSchedule noise)
    {
        var writer = new StringWriter();
        exporter.Export([Winner(schedule, noise)], writer);
        return JsonDocument.Parse(writer.ToString()).RootElement.Clone();
    }

    private static string[] Notes(JsonElement doc) => doc.GetProperty("notes").EnumerateArray().Select(n => n.GetString()!).ToArray();
}
