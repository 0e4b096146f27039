namespace ScheduleSearch.Search.Specs;

/// <summary>A search spec that cannot be used; the message names the file and the field.</summary>
public sealed class SearchSpecException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SearchSpecException()
    {
    }

    /// <summary>Creates the exception with a message naming the file and field.</summary>
    public SearchSpecException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying error.</summary>
    public SearchSpecException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
