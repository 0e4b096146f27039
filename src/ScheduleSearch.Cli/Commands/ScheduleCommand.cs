using System.CommandLine;

namespace ScheduleSearch.Cli.Commands;

/// <summary><c>schedule</c>: groups the commands that write schedule files.</summary>
public static class ScheduleCommand
{
    /// <summary>Builds the command with its subcommands.</summary>
    public static Command Create()
    {
        var command = new Command("schedule", "Write schedule files (schedule-search/schedule@1)");
        command.Subcommands.Add(SchedulePresetCommand.Create());
        return command;
    }
}
