namespace ScheduleSearch.Storage;

/// <summary>
/// The machine refused a read or write of the database (no space left, a read-only file system, permission
/// denied). The message is one line naming the path, the cause and what to do; what was committed before is
/// intact, so the same command resumes once the cause is fixed.
/// </summary>
public sealed class StorageIoException : ScoreStoreException
{
    /// <summary>Creates the exception.</summary>
    public StorageIoException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message (for serializers and tooling).</summary>
    public StorageIoException()
        : base("the database could not be written")
    {
    }

    /// <summary>Creates the exception with its message (for serializers and tooling).</summary>
    public StorageIoException(string message)
        : base(message)
    {
    }
}
