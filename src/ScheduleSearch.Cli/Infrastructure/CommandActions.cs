using System.CommandLine;

namespace ScheduleSearch.Cli.Infrastructure;

/// <summary>
/// Binds a command body to a <see cref="Command"/>: runs it off the signal thread (so Ctrl+C can cancel the token
/// while the body checkpoints), maps exceptions to one stderr line and an exit code.
/// </summary>
public static class CommandActions
{
    /// <summary>Sets <paramref name="body"/> as the action of <paramref name="command"/>.</summary>
    public static void Set(Command command, Func<ParseResult, CliOutput, CancellationToken, int> body)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(body);
        command.SetAction((parseResult, cancellationToken) => Task.Run(() =>
        {
            var output = CliOutput.FromConsole(parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error);
            try
            {
                return body(parseResult, output, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || cancellationToken.IsCancellationRequested)
            {
                return ErrorReporter.Report(e, output.Error);
            }
        }, CancellationToken.None));
    }
}
