namespace ScheduleSearch.Export;

/// <summary>The exporters by name (BenchmarkDotNet's presets as static fields).</summary>
public static class ScheduleExporters
{
    /// <summary><c>schedule-search/schedule@1</c> with provenance.</summary>
    public static readonly ScheduleExporterBase Json = new JsonScheduleExporter();

    /// <summary>diffusers: timesteps, sigmas, scheduler class and config.</summary>
    public static readonly ScheduleExporterBase Diffusers = new DiffusersScheduleExporter();

    /// <summary>k-diffusion: sigmas and the closest sampler.</summary>
    public static readonly ScheduleExporterBase KDiffusion = new KDiffusionScheduleExporter();

    /// <summary>ComfyUI: plain-decimal SIGMAS and sampler segments.</summary>
    public static readonly ScheduleExporterBase ComfyUi = new ComfyUiScheduleExporter();

    /// <summary>Every exporter, in the order help lists them.</summary>
    public static IReadOnlyList<ScheduleExporterBase> All { get; } = [Json, Diffusers, KDiffusion, ComfyUi];

    /// <summary>The names accepted by <c>export --format</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(e => e.Name).ToArray();

    /// <summary>The exporter named <paramref name="name"/>; throws <see cref="ArgumentException"/> naming the choices.</summary>
    public static ScheduleExporterBase Get(string name) =>
        All.FirstOrDefault(e => e.Name == name)
        ?? throw new ArgumentException($"unknown export format '{name}'; expected one of {string.Join(", ", Names)}", nameof(name));
}
