using System.CommandLine;
using ScheduleSearch.Cli.Infrastructure;
using ScheduleSearch.Models.Inspection;

namespace ScheduleSearch.Cli.Commands;

/// <summary><c>model inspect CARD_OR_ONNX</c>: prints inputs, outputs and schedule, and checks the card against the graph.</summary>
public static class ModelInspectCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var path = new Argument<string>("CARD_OR_ONNX") { Description = "A model card (model.json) or an .onnx file" };
        var command = new Command("inspect", "Print a model's inputs, outputs and schedule and check its card (exit code 2 when a check fails)") { path };
        CommandActions.Set(command, (parse, console, cancellationToken) =>
        {
            var target = parse.GetValue(path)!;
            if (!File.Exists(target))
            {
                throw new BadInputException($"CARD_OR_ONNX: file '{target}' does not exist");
            }

            var report = ModelInspector.Inspect(target);
            console.Out.Write(report.ToText());
            if (!report.Passed)
            {
                console.Error.WriteLine($"error: {target}: {report.Problems[0]}");
                return ExitCodes.BadInput;
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
