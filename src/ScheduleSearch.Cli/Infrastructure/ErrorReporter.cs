using System.Text.Json;
using System.Text.RegularExpressions;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Models.Cards;
using ScheduleSearch.Models.Onnx;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Cli.Infrastructure;

/// <summary>
/// Turns an exception into one line on stderr and an exit code: <see cref="ExitCodes.BadInput"/> for input the user
/// can fix (files, JSON, cards, schedules, specs, a damaged database, a disk that refused a write),
/// <see cref="ExitCodes.Failure"/> for everything else.
/// </summary>
public static partial class ErrorReporter
{
    /// <summary>Writes <paramref name="exception"/> as one line to <paramref name="error"/> and returns the exit code.</summary>
    public static int Report(Exception exception, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(error);
        if (exception is OperationCanceledException)
        {
            error.WriteLine("error: cancelled");
            return ExitCodes.Interrupted;
        }

        var code = IsBadInput(exception) ? ExitCodes.BadInput : ExitCodes.Failure;
        error.WriteLine("error: " + OneLine(exception));
        return code;
    }

    /// <summary>True for exceptions caused by the user's input rather than by the program or the machine.</summary>
    public static bool IsBadInput(Exception exception) => exception switch
    {
        BadInputException or ScheduleFormatException or ModelCardException or JsonException => true,
        FileNotFoundException or DirectoryNotFoundException => true,
        DatabaseDamagedException or StorageIoException => true,
        DatabaseInUseException or OnnxDeviceException => false,
        _ => exception.GetType().Name is "SearchSpecException" or "SpecFormatException" || exception.GetType().Name.EndsWith("SpecException", StringComparison.Ordinal),
    };

    /// <summary>
    /// The message on one line; System.Text.Json's 0-based "LineNumber: a | BytePositionInLine: b." becomes
    /// "(line a+1, column b+1)", which is what an editor shows.
    /// </summary>
    public static string OneLine(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var message = exception.Message;
        message = JsonPosition().Replace(message, m =>
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"(line {long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) + 1}, column {long.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) + 1})"));
        if (exception is JsonException { LineNumber: { } line, BytePositionInLine: { } column } && !message.Contains("(line ", StringComparison.Ordinal))
        {
            message += string.Create(System.Globalization.CultureInfo.InvariantCulture, $" (line {line + 1}, column {column + 1})");
        }

        return string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()));
    }

    [GeneratedRegex(@"LineNumber: (\d+) \| BytePositionInLine: (\d+)\.?")]
    private static partial Regex JsonPosition();
}
