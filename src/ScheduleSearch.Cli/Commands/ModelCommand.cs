using System.CommandLine;

namespace ScheduleSearch.Cli.Commands;

/// <summary><c>model</c>: groups the commands that build and check models.</summary>
public static class ModelCommand
{
    /// <summary>Builds the command with its subcommands.</summary>
    public static Command Create()
    {
        var command = new Command("model", "Build analytic models and check model cards");
        command.Subcommands.Add(ModelGmmCommand.Create());
        command.Subcommands.Add(ModelInspectCommand.Create());
        command.Subcommands.Add(ModelStatsCommand.Create());
        return command;
    }
}
