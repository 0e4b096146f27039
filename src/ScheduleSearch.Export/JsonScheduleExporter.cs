using System.Text.Json;
using ScheduleSearch.Core.Schedules;

namespace ScheduleSearch.Export;

/// <summary>
/// <c>json</c>: the winner as a <c>schedule-search/schedule@1</c> file with its provenance (search, scores), naming the
/// files written beside it when the schedule needs the data statistics or DPM-Solver-v3's statistics.
/// </summary>
public sealed class JsonScheduleExporter : ScheduleExporterBase
{
    /// <inheritdoc />
    public override string Name => "json";

    /// <inheritdoc />
    protected override string FileSuffix => ".schedule.json";

    /// <inheritdoc />
    protected override void WriteOne(Utf8JsonWriter json, ExportedSchedule winner)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(winner);
        var schedule = winner.Schedule with { ProvenanceJson = ProvenanceJson(winner), StatisticsFile = winner.StatisticsFile, EmsFile = winner.EmsFile };
        json.WriteRawValue(ScheduleJson.Write(schedule));
    }
}
