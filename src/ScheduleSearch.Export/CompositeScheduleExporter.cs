namespace ScheduleSearch.Export;

/// <summary>
/// Runs several exporters into files; one exporter's failure is reported through <see cref="CompositeScheduleExporter.Log"/>
/// and the others still run (BenchmarkDotNet's CompositeExporter).
/// </summary>
public sealed class CompositeScheduleExporter
{
    private readonly IReadOnlyList<ScheduleExporterBase> exporters;

    /// <summary>Creates the composite over <paramref name="exporters"/>.</summary>
    public CompositeScheduleExporter(IReadOnlyList<ScheduleExporterBase> exporters, Action<string> log)
    {
        this.exporters = exporters ?? throw new ArgumentNullException(nameof(exporters));
        Log = log ?? throw new ArgumentNullException(nameof(log));
    }

    /// <summary>Where failures are reported.</summary>
    public Action<string> Log { get; }

    /// <summary>Writes each format's file into <paramref name="folder"/>; returns the paths written.</summary>
    public IReadOnlyList<string> ExportToFolder(IReadOnlyList<ExportedSchedule> winners, string folder, string searchName, int nfe)
    {
        ArgumentNullException.ThrowIfNull(winners);
        var written = new List<string>();
        foreach (var exporter in exporters)
        {
            try
            {
                written.Add(exporter.ExportToFile(winners, Path.Combine(folder, exporter.GetFileName(searchName, nfe))));
            }
            catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException or UnauthorizedAccessException)
            {
                Log($"{exporter.Name} export failed: {e.Message}");
            }
        }

        return written;
    }
}
