namespace ScheduleSearch.Storage.LiteDb;

/// <summary>What <see cref="LiteDbSalvage.Salvage"/> copied into the new database and what it could not.</summary>
public sealed record SalvageResult
{
    /// <summary>The new database (full path).</summary>
    public required string Target { get; init; }

    /// <summary>Searches copied.</summary>
    public int Searches { get; init; }

    /// <summary>Evaluations copied (each matched its checksum).</summary>
    public int Evaluations { get; init; }

    /// <summary>History links written (kept in their old order, plus evaluations whose link was lost).</summary>
    public int HistoryLinks { get; init; }

    /// <summary>References copied (each matched its SHA-256).</summary>
    public int References { get; init; }

    /// <summary>Model records copied.</summary>
    public int Models { get; init; }

    /// <summary>Documents found that did not decode whole (lost).</summary>
    public int Unreadable { get; init; }

    /// <summary>History links dropped because their evaluation or search was lost.</summary>
    public int DroppedLinks { get; init; }
}
