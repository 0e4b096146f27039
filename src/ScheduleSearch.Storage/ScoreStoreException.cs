namespace ScheduleSearch.Storage;

/// <summary>
/// A store cannot do what was asked for a reason the user can act on (a foreign, corrupt or newer database, an
/// unreadable blob, a search spec that differs); the message is one sentence naming the file or record.
/// </summary>
public class ScoreStoreException : Exception
{
    /// <summary>Creates the exception with its message.</summary>
    public ScoreStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    public ScoreStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message (for serializers and tooling).</summary>
    public ScoreStoreException()
        : base("The score store failed.")
    {
    }
}
