namespace ScheduleSearch.Export;

/// <summary>
/// Writes a search's winners in one target's format (BenchmarkDotNet's exporter shape: a name and one export
/// method; <see cref="ScheduleExporterBase"/> owns file naming).
/// </summary>
public interface IScheduleExporter
{
    /// <summary>The format's name on the command line: json, diffusers, k-diffusion or comfyui.</summary>
    string Name { get; }

    /// <summary>Writes <paramref name="winners"/> (best first) as one document to <paramref name="writer"/>.</summary>
    void Export(IReadOnlyList<ExportedSchedule> winners, TextWriter writer);
}
