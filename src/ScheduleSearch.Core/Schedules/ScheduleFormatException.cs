namespace ScheduleSearch.Core.Schedules;

/// <summary>A schedule file or object that is malformed or cannot run; the message names the field or step and the reason.</summary>
public sealed class ScheduleFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ScheduleFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with an inner cause.</summary>
    public ScheduleFormatException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates an empty exception.</summary>
    public ScheduleFormatException()
    {
    }
}
