namespace ScheduleSearch.Export;

/// <summary>An exporter whose target runs one solver per step range (one for all steps, or one per ComfyUI segment), so what it runs can be scored by the tool.</summary>
public interface IApproximateExporter : IScheduleExporter
{
    /// <summary>
    /// What the target runs for <paramref name="winner"/>, as the tool can run it; null when the tool cannot run the
    /// target's sampler (with <paramref name="why"/> saying so).
    /// </summary>
    TargetRun? TargetRunOf(ExportedSchedule winner, out string? why);
}
