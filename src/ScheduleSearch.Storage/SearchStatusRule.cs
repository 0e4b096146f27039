namespace ScheduleSearch.Storage;

/// <summary>The read-time derivation of a search's status, shared by every backend so they agree.</summary>
internal static class SearchStatusRule
{
    /// <summary>
    /// Running only while the stored status says so, the live writer is the search's owner and the heartbeat is
    /// fresh; a dead or replaced owner, or a silent one, means interrupted.
    /// </summary>
    public static SearchStatus Effective(
        SearchStatus stored, ProcessIdentity owner, DateTimeOffset heartbeat, ProcessIdentity? liveWriter, DateTimeOffset now, TimeSpan timeout)
    {
        if (stored != SearchStatus.Running)
        {
            return stored;
        }

        var alive = liveWriter is not null && liveWriter == owner && now - heartbeat <= timeout;
        return alive ? SearchStatus.Running : SearchStatus.Interrupted;
    }

    /// <summary>Checks the arguments of <see cref="IScoreStore.EndSearch"/>.</summary>
    public static void CheckFinal(SearchStatus status)
    {
        if (status == SearchStatus.Running || !Enum.IsDefined(status))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "a search ends as finished, interrupted or failed");
        }
    }

    /// <summary>Checks a record before it is stored.</summary>
    public static void CheckRecord(EvaluationRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(record.Key, nameof(record));
        if (record.SearchNames.IsDefault)
        {
            throw new ArgumentException($"evaluation {record.Key}: SearchNames is a default array; use [] for none", nameof(record));
        }
    }

    /// <summary>Checks a reference before it is stored.</summary>
    public static void CheckReference(ReferenceArray reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentException.ThrowIfNullOrEmpty(reference.Name, nameof(reference));
        long count = 1;
        foreach (var n in reference.Shape)
        {
            count *= n;
        }

        if (reference.Shape.IsDefaultOrEmpty || reference.Data.IsDefault || count != reference.Data.Length)
        {
            throw new ArgumentException($"reference '{reference.Name}': shape [{string.Join(",", reference.Shape.IsDefault ? [] : reference.Shape)}] does not hold {(reference.Data.IsDefault ? 0 : reference.Data.Length)} values", nameof(reference));
        }
    }
}
