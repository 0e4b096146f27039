namespace ScheduleSearch.Cli.Infrastructure;

/// <summary>The process exit codes of every command.</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>The command failed for a reason other than its input (a broken model, a database in use, a crash).</summary>
    public const int Failure = 1;

    /// <summary>The input was bad: a missing or malformed file, an unknown option value, an unknown search.</summary>
    public const int BadInput = 2;

    /// <summary>Stopped by Ctrl+C after checkpointing (128 + SIGINT, the shell's convention).</summary>
    public const int Interrupted = 130;
}
