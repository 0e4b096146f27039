using System.CommandLine;
using ScheduleSearch.Cli.Commands;
using ScheduleSearch.Cli.Infrastructure;

namespace ScheduleSearch.Cli;

/// <summary>Assembles <c>schedule-search</c>'s root command from the commands under Commands/ and runs it.</summary>
public static class RootCommandFactory
{
    /// <summary>How long Ctrl+C waits for a command to finish its evaluation and checkpoint before the process ends.</summary>
    public static readonly TimeSpan ProcessTerminationTimeout = TimeSpan.FromMinutes(2);

    /// <summary>The root command with every command of FORMATS.md's contract, opening the real things (<see cref="CliServices.Default"/>).</summary>
    public static RootCommand Create() => Create(CliServices.Default);

    /// <summary>
    /// The root command with every command of FORMATS.md's contract; the commands that open a model, a store or a
    /// scoring session get them from <paramref name="services"/> (the CLI's one composition seam).
    /// </summary>
    public static RootCommand Create(CliServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var root = new RootCommand("schedule-search: find few-step sampler schedules for a pretrained diffusion model, score them against a teacher, and export the winners");
        root.Subcommands.Add(RunCommand.Create(services));
        root.Subcommands.Add(ListCommand.Create(services));
        root.Subcommands.Add(ShowCommand.Create(services));
        root.Subcommands.Add(ExportCommand.Create(services));
        root.Subcommands.Add(PlotCommand.Create(services));
        root.Subcommands.Add(ReportCommand.Create(services));
        root.Subcommands.Add(EvaluateCommand.Create(services));
        root.Subcommands.Add(BaselinesCommand.Create(services));
        root.Subcommands.Add(ScheduleCommand.Create());
        root.Subcommands.Add(ModelCommand.Create());
        root.Subcommands.Add(SampleCommand.Create(services));
        root.Subcommands.Add(WorkerCommand.Create(services));
        root.Subcommands.Add(DbCommand.Create(services));
        root.Subcommands.Add(DemoCommand.Create(services));
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/> with the console's writers and Ctrl+C handling. Parse errors are bad
    /// input: one line on stderr, exit code 2 (System.CommandLine's default would print the help text too and exit with 1).
    /// </summary>
    public static Task<int> InvokeAsync(RootCommand root, string[] args) =>
        InvokeAsync(root, args, new InvocationConfiguration { ProcessTerminationTimeout = ProcessTerminationTimeout });

    /// <summary>
    /// Parses and runs <paramref name="args"/> with <paramref name="configuration"/>'s writers (a test hands in its own
    /// and no Ctrl+C handling); parse errors go to its <see cref="InvocationConfiguration.Error"/>.
    /// </summary>
    public static async Task<int> InvokeAsync(RootCommand root, string[] args, InvocationConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(configuration);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            await configuration.Error.WriteLineAsync("error: " + string.Join("; ", parse.Errors.Select(e => e.Message.TrimEnd('.')))).ConfigureAwait(false);
            return ExitCodes.BadInput;
        }

        return await parse.InvokeAsync(configuration).ConfigureAwait(false);
    }
}
