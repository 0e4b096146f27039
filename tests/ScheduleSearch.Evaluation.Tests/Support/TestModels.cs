using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Spacings;

namespace ScheduleSearch.Evaluation.Tests.Support;

/// <summary>Small exact models and specs that keep the tests fast.</summary>
internal static class TestModels
{
    public static NoiseSchedule Vp { get; } = NoiseSchedule.FromKind("vp-discrete");

    /// <summary>A 4-dimensional mixture of three well separated components.</summary>
    public static GaussianMixture Mixture { get; } = new(
        [0.3, 0.5, 0.2],
        [[2.0, 0.0, -1.0, 0.5], [-2.0, 1.0, 1.0, -0.5], [0.0, -2.0, 0.0, 2.0]],
        [[0.05, 0.1, 0.08, 0.05], [0.1, 0.05, 0.05, 0.1], [0.07, 0.07, 0.07, 0.07]]);

    public static GaussianMixtureDenoiser Denoiser() => new(Mixture, Vp);

    /// <summary>A cheap teacher and small noise sets.</summary>
    public static MetricSpec Spec(string kind = "teacher-rmse") => new()
    {
        Kind = kind,
        Samples = 64,
        Seed = 3,
        HeldOutSamples = 32,
        HeldOutSeed = 4,
        Teacher = new TeacherSpec { Preset = "dpm-solver++-3m", Nfe = 60, Spacing = "logsnr-uniform" },
    };

    public static SamplerSchedule Preset(string name, int nfe, string spacing = "time-uniform") =>
        PresetCatalog.Create(name, Vp, nfe, Spacing.Parse(spacing));

    public static ScheduleEvaluatorOptions Options { get; } = new() { VerifyTeacher = false };
}
