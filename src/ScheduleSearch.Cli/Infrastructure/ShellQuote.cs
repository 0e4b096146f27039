namespace ScheduleSearch.Cli.Infrastructure;

/// <summary>Arguments as a user pastes them into a shell, for the commands the program prints (resume with, next).</summary>
public static class ShellQuote
{
    /// <summary>Quotes an argument for a shell when it holds spaces or quotes.</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '$' or '&' or ';' or '(' or ')')
            ? "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'"
            : value;
    }
}
