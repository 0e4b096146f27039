using System.Text.Json;
using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Solvers;
using ScheduleSearch.Core.Spacings;

namespace ScheduleSearch.Export.Tests;

/// <summary>
/// The ComfyUI export scored as ComfyUI runs it: one sampler per SplitSigmas segment, each from the state the one
/// before left with no history; uni_pc at order min(3, len(sigmas) - 2), UniC after every step of a segment but its
/// last, a final sigma 0 run as 0.001; dpmpp_2m first order only at its start and on a step to 0 (k-diffusion's rule).
/// Each run is checked against one schedule with those consequences spelled out, run by the tool's own executor.
/// </summary>
public sealed class ComfyUiTargetRunTests
{
    private const int Batch = 4;
    private static readonly VpDiscreteSchedule Noise = VpDiscreteSchedule.Linear();
    private static readonly GaussianMixture Mixture = new([0.4, 0.6], [[1.0, -0.5], [-1.5, 0.8]], [[0.2, 0.3], [0.1, 0.4]]);
    private static readonly IApproximateExporter ComfyUi = (IApproximateExporter)ScheduleExporters.ComfyUi;

    [Theory]
    [InlineData("unipc-bh1-3", "uni_pc", 6)]
    [InlineData("unipc-bh2-3", "uni_pc_bh2", 6)]
    [InlineData("unipc-bh2-3", "uni_pc_bh2", 3)]
    [InlineData("unipc-bh2-2", "uni_pc_bh2", 5)]
    public void A_single_segment_UniPC_export_runs_the_schedules_own_steps_to_sigma_0_001(string preset, string sampler, int steps)
    {
        // uni_pc's order min(3, len - 2) with its warm-up, lower order final and last-step corrector drop is the
        // preset's own order rule on up to six steps; orders above what the schedule took are still its rule.
        var winner = Winner(PresetCatalog.Create(preset, Noise, steps, Spacing.LogSnrUniform));
        var run = ComfyUi.TargetRunOf(winner, out var why);
        Assert.True(run is not null, why);
        Assert.Equal(sampler, Export(winner).GetProperty("segments").EnumerateArray().Single().GetProperty("sampler").GetString());

        var sigmas = ExportSigmas.Of(winner).Sigmas;
        sigmas[^1] = ComfyUiScheduleExporter.UniPcFinalSigma;
        var segment = run.Segments.Single();
        Assert.Equal($"{preset[..^2]}-{Math.Min(3, steps - 1)}", segment.Preset);
        Assert.Equal(sigmas, segment.Sigmas);
        if (preset.EndsWith("-3", StringComparison.Ordinal) || steps <= 3)
        {
            AssertSameRun(run, new SamplerSchedule("own steps", EdmSchedule.KindName, sigmas, winner.Schedule.Steps));
        }

        Assert.Equal(steps, run.ModelCalls);
        Assert.True(run.Exact);
    }

    [Fact]
    public void A_single_segment_dpmpp_2m_export_runs_what_the_k_diffusion_export_runs()
    {
        var winner = Winner(PresetCatalog.Create("dpm-solver++-2m", Noise, 6, Spacing.LogSnrUniform));

        var comfy = ComfyUi.TargetRunOf(winner, out _);
        var kDiffusion = ((IApproximateExporter)ScheduleExporters.KDiffusion).TargetRunOf(winner, out _);

        Assert.NotNull(comfy);
        Assert.NotNull(kDiffusion);
        Assert.Equal([1, 2, 2, 2, 2, 1], comfy.Segments.Single().Orders);
        Assert.Equal(Final(kDiffusion), Final(comfy));
    }

    [Fact]
    public void Each_segment_restarts_its_sampler_so_the_export_runs_first_order_at_a_segment_start_and_drops_the_corrector_at_its_end()
    {
        // Steps 1-3 DPM-Solver++ (dpmpp_2m), steps 4-6 UniPC bh2 with UniC (uni_pc_bh2, three steps: order 2).
        var dpm = new StepChoice { Prediction = Prediction.Data };
        var unipc = dpm with { Derivative = DerivativeForm.UniPcBh2, Corrector = CorrectorKind.UniC };
        StepChoice[] steps = [dpm, dpm with { Order = 2 }, dpm with { Order = 2 }, unipc with { Order = 3 }, unipc with { Order = 3 }, unipc with { Order = 1, Corrector = CorrectorKind.None }];
        var own = PresetCatalog.Create("dpm-solver++-2m", Noise, 6, Spacing.LogSnrUniform);
        var winner = Winner(own with { Steps = [.. steps] });

        var run = ComfyUi.TargetRunOf(winner, out var why);

        Assert.True(run is not null, why);
        var sigmas = ExportSigmas.Of(winner).Sigmas;
        Assert.Equal(["dpmpp_2m", "uni_pc_bh2"], Export(winner).GetProperty("segments").EnumerateArray().Select(s => s.GetProperty("sampler").GetString()));
        Assert.Equal(["dpm-solver++-2m", "unipc-bh2-2"], run.Segments.Select(s => s.Preset));
        Assert.Equal(sigmas[..4], run.Segments[0].Sigmas);
        Assert.Equal([1, 2, 2], run.Segments[0].Orders);
        Assert.Equal([.. sigmas[3..6], ComfyUiScheduleExporter.UniPcFinalSigma], run.Segments[1].Sigmas);
        Assert.Equal(6, run.ModelCalls);

        // The same run as one schedule: dpmpp_2m keeps order 2 on its last step above 0, uni_pc_bh2 restarts at first
        // order with order 2 at most (min(3, 4 - 2)) and runs UniC on its first two steps only.
        var ve = sigmas.ToArray();
        ve[^1] = ComfyUiScheduleExporter.UniPcFinalSigma;
        StepChoice[] spelled = [dpm, dpm with { Order = 2 }, dpm with { Order = 2 }, unipc with { Order = 1 }, unipc with { Order = 2 }, unipc with { Order = 1, Corrector = CorrectorKind.None }];
        AssertSameRun(run, new SamplerSchedule("spelled out", EdmSchedule.KindName, ve, spelled));
        var carried = Final(new SamplerSchedule("history carried", EdmSchedule.KindName, ve, steps), ve[^1]);
        Assert.True(Final(run).Zip(carried).Max(p => Math.Abs(p.First - p.Second)) > 1e-4, "the restarts should change the result");
    }

    [Fact]
    public void A_one_step_UniPC_segment_is_exported_as_dpmpp_2m_since_uni_pc_makes_no_step_on_two_sigmas()
    {
        var dpm = new StepChoice { Prediction = Prediction.Data, Order = 2 };
        var unipc = dpm with { Derivative = DerivativeForm.UniPcBh2, Corrector = CorrectorKind.UniC };
        StepChoice[] steps = [dpm with { Order = 1 }, dpm, dpm, unipc, dpm, dpm with { Order = 1 }];
        var winner = Winner(PresetCatalog.Create("dpm-solver++-2m", Noise, 6, Spacing.LogSnrUniform) with { Steps = [.. steps] });

        var doc = Export(winner);
        var run = ComfyUi.TargetRunOf(winner, out _);

        Assert.Equal(["dpmpp_2m", "dpmpp_2m", "dpmpp_2m"], doc.GetProperty("segments").EnumerateArray().Select(s => s.GetProperty("sampler").GetString()));
        Assert.Contains(ComfyUiSegment.OneStepUniPcNote, doc.GetProperty("notes").EnumerateArray().Select(n => n.GetString()));
        Assert.NotNull(run);
        Assert.Equal([[1, 2, 2], [1], [1, 1]], run.Segments.Select(s => s.Orders!.ToArray()));
        Assert.Equal(6, run.ModelCalls);
    }

    private static void AssertSameRun(TargetRun run, SamplerSchedule expected)
    {
        var actual = Final(run);
        var reference = Final(expected, run.LowestSigma);
        for (var i = 0; i < actual.Length; i++)
        {
            Assert.True(Math.Abs(actual[i] - reference[i]) <= 1e-12, $"value {i}: the ComfyUI run gives {actual[i]}, the schedule {reference[i]}");
        }
    }

    private static double[] Final(TargetRun run)
    {
        var (view, x) = Start(run.LowestSigma);
        run.Run(view, x, Batch);
        return x;
    }

    private static double[] Final(SamplerSchedule schedule, double lowestSigma)
    {
        var (view, x) = Start(lowestSigma);
        new Sampler(view).Run(schedule, x, Batch);
        return x;
    }

    private static (VeViewDenoiser View, double[] X) Start(double lowestSigma)
    {
        var view = new VeViewDenoiser(new GaussianMixtureDenoiser(Mixture, Noise), lowestSigma);
        var noise = Enumerable.Range(0, Batch * 2).Select(i => Math.Sin(1.7 * i) * 1.3).ToArray();
        var x = new double[noise.Length];
        view.InitialState(Noise.DefaultTStart, noise, x);
        return (view, x);
    }

    private static ExportedSchedule Winner(SamplerSchedule schedule) =>
        new() { Schedule = schedule, Noise = Noise, Search = "t", Metric = "teacher-mean-rmse", Score = 0.1, Samples = 8 };

    private static JsonElement Export(ExportedSchedule winner)
    {
        var writer = new StringWriter();
        ScheduleExporters.ComfyUi.Export([winner], writer);
        return JsonDocument.Parse(writer.ToString()).RootElement.Clone();
    }
}
