using System.Globalization;

namespace ScheduleSearch.Cli.Infrastructure;

/// <summary>
/// Where a command writes: results to <see cref="Out"/>, errors and progress notes to <see cref="Error"/>.
/// <see cref="Interactive"/> selects Spectre.Console progress and tables; otherwise progress is one
/// timestamped plain line per event, which reads well in an overnight log.
/// </summary>
public sealed class CliOutput
{
    /// <summary>Creates an output over the given writers.</summary>
    public CliOutput(TextWriter output, TextWriter error, bool interactive)
    {
        Out = output;
        Error = error;
        Interactive = interactive;
    }

    /// <summary>Results (tables, JSON, file names written).</summary>
    public TextWriter Out { get; }

    /// <summary>Errors and warnings.</summary>
    public TextWriter Error { get; }

    /// <summary>True when stdout is a terminal (and SCHEDULE_SEARCH_PLAIN is not set): use live progress and tables.</summary>
    public bool Interactive { get; }

    /// <summary>The console's output, interactive when stdout is a terminal and neither CI nor SCHEDULE_SEARCH_PLAIN is set.</summary>
    public static CliOutput FromConsole(TextWriter output, TextWriter error) =>
        new(output, error, !Console.IsOutputRedirected
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("SCHEDULE_SEARCH_PLAIN")));

    /// <summary>Writes one line prefixed by the UTC time (ISO 8601, seconds), for logs.</summary>
    public void Log(string message) =>
        Out.WriteLine(DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) + " " + message);

    /// <summary>Writes a warning line to <see cref="Error"/>.</summary>
    public void Warn(string message) => Error.WriteLine("warning: " + message);
}
