using System.CommandLine;
using System.Globalization;
using ScheduleSearch.Cli.Infrastructure;

namespace ScheduleSearch.Cli.Tests.Support;

/// <summary>
/// Runs <c>schedule-search</c> inside the test process, as Program.cs does, with stdout and stderr captured from the
/// invocation's writers (System.CommandLine's <see cref="InvocationConfiguration"/>): no process start, no JIT per
/// call, and a failure shows the test's own stack. Paths must be absolute (the test process has one working folder).
/// </summary>
public static class CliRun
{
    static CliRun()
    {
        // Plain progress lines, as in a log (CliOutput reads it); the process tests set it per process.
        Environment.SetEnvironmentVariable("SCHEDULE_SEARCH_PLAIN", "1");
    }

    /// <summary>Runs the CLI with <paramref name="args"/> in the invariant culture.</summary>
    public static CliResult Run(params string[] args) => Run(CultureInfo.InvariantCulture, args);

    /// <summary>Runs the CLI with <paramref name="args"/> under <paramref name="culture"/> (what LANG selects for a process).</summary>
    public static CliResult Run(CultureInfo culture, params string[] args) => Run(culture, CliServices.Default, args);

    /// <summary>Runs the CLI with <paramref name="args"/>, its commands opening what they need through <paramref name="services"/>.</summary>
    public static CliResult Run(CliServices services, params string[] args) => Run(CultureInfo.InvariantCulture, services, args);

    private static CliResult Run(CultureInfo culture, CliServices services, string[] args)
    {
        ArgumentNullException.ThrowIfNull(culture);
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        // A task of its own, so the culture set here stays with this run (it flows into the command's Task.Run).
        var exitCode = Task.Run(async () =>
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = culture;
            var configuration = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null };
            return await RootCommandFactory.InvokeAsync(RootCommandFactory.Create(services), args, configuration).ConfigureAwait(false);
        }).GetAwaiter().GetResult();
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }
}
