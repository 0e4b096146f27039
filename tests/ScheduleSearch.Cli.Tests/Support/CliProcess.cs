using System.Diagnostics;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Cli.Tests.Support;

/// <summary>Runs the built <c>schedule-search.dll</c> as a separate process, as a user would.</summary>
public static class CliProcess
{
    /// <summary>The repository root (the folder holding ScheduleSearch.sln).</summary>
    public static string RepositoryRoot => TestRepository.Root;

    /// <summary>The CLI's built dll, of the same configuration as this test assembly.</summary>
    public static string Dll { get; } = FindDll();

    /// <summary>The built-in toy model's card.</summary>
    public static string ToyCard => Path.Combine(RepositoryRoot, "models", "gmm-toy-8", "model.json");

    /// <summary>Runs the CLI with <paramref name="args"/> in <paramref name="workingDirectory"/>.</summary>
    public static CliResult Run(string workingDirectory, params string[] args) => Run(workingDirectory, TimeSpan.FromMinutes(3), args);

    /// <summary>Runs the CLI with a time limit.</summary>
    public static CliResult Run(string workingDirectory, TimeSpan timeout, params string[] args) => Run(workingDirectory, timeout, null, args);

    /// <summary>Runs the CLI with a time limit and extra environment variables (e.g. LANG for a culture).</summary>
    public static CliResult Run(string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var process = Start(workingDirectory, environment, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"schedule-search {string.Join(' ', args)} ran longer than {timeout}");
        }

        process.WaitForExit();
        return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Starts the CLI with redirected streams (the caller reads or kills it).</summary>
    public static Process Start(string workingDirectory, params string[] args) => Start(workingDirectory, null, args);

    /// <summary>Starts the CLI with extra environment variables.</summary>
    public static Process Start(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["SCHEDULE_SEARCH_PLAIN"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
    }

    private static string FindDll()
    {
        // The test assembly lives in tests/ScheduleSearch.Cli.Tests/bin/<Configuration>/<tfm>/.
        var tfmDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = tfmDir.Parent!.Name;
        var dll = Path.Combine(RepositoryRoot, "src", "ScheduleSearch.Cli", "bin", configuration, tfmDir.Name, "schedule-search.dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"{dll} was not built");
    }
}
