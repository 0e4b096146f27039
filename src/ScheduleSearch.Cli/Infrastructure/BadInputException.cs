namespace ScheduleSearch.Cli.Infrastructure;

/// <summary>Bad user input detected by the command line itself; exits with <see cref="ExitCodes.BadInput"/>.</summary>
public sealed class BadInputException : Exception
{
    /// <summary>Creates the exception with a one-line message naming the bad input.</summary>
    public BadInputException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line message and its cause.</summary>
    public BadInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public BadInputException()
        : base("bad input")
    {
    }
}
