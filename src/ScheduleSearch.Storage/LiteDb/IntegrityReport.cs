namespace ScheduleSearch.Storage.LiteDb;

/// <summary>What <see cref="LiteDbIntegrity.Check"/> found: the damage in words (none when intact) and what it could read.</summary>
public sealed record IntegrityReport
{
    /// <summary>The database checked (full path).</summary>
    public required string DatabasePath { get; init; }

    /// <summary>Each damage found, one sentence each; empty when the database is intact.</summary>
    public required IReadOnlyList<string> Problems { get; init; }

    /// <summary>Searches read.</summary>
    public int Searches { get; init; }

    /// <summary>Evaluations read and matching their checksums.</summary>
    public int Evaluations { get; init; }

    /// <summary>History links read.</summary>
    public int HistoryLinks { get; init; }

    /// <summary>References read and matching their SHA-256.</summary>
    public int References { get; init; }

    /// <summary>Model records read.</summary>
    public int Models { get; init; }

    /// <summary>The backup beside the database with its time, or null when there is none.</summary>
    public string? Backup { get; init; }

    /// <summary>True when nothing is damaged.</summary>
    public bool IsIntact => Problems.Count == 0;
}
