using System.Diagnostics;
using ScheduleSearch.Cli.Tests.Support;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Cli.Tests.OutOfProcess;

/// <summary>
/// The CLI as a .NET tool: packed (from the build this assembly tested, no rebuild), installed with <c>dotnet tool
/// install</c>, and its demo run from an empty folder. Two things keep it short: the package leaves out ONNX Runtime's
/// CUDA provider libraries (<c>-p:ToolCuda=false</c>; 480 of 723 MB, which the CPU demo never loads, and compressing
/// them was most of this test's time), and the demo runs on a smaller budget and fewer samples (<c>--evaluations</c>,
/// <c>--samples</c>). What is tested is that the installed tool has everything the demo needs and finishes it; the
/// full quickstart's numbers are README's.
/// </summary>
public sealed class ToolInstallTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(8);

    [Fact]
    public void The_packed_tool_installs_and_its_demo_finishes_from_an_empty_folder()
    {
        using var work = new TempDirectory();
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var project = Path.Combine(CliProcess.RepositoryRoot, "src", "ScheduleSearch.Cli", "ScheduleSearch.Cli.csproj");
        var feed = work.File("feed");
        var pack = Dotnet(work.Path, "pack", project, "-c", configuration, "--no-build", "-p:ToolCuda=false", "-o", feed);
        Assert.True(pack.ExitCode == 0, pack.ToString());
        var package = Assert.Single(Directory.GetFiles(feed, "ScheduleSearch.Cli.*.nupkg"));
        var version = Path.GetFileNameWithoutExtension(package)["ScheduleSearch.Cli.".Length..];

        var tools = work.File("tools");
        var install = Dotnet(work.Path, "tool", "install", "ScheduleSearch.Cli", "--tool-path", tools, "--add-source", feed, "--version", version);
        Assert.True(install.ExitCode == 0, install.ToString());
        var command = Path.Combine(tools, OperatingSystem.IsWindows() ? "schedule-search.exe" : "schedule-search");
        Assert.True(File.Exists(command), "dotnet tool install wrote no " + command);

        var empty = work.File("empty");
        Directory.CreateDirectory(empty);
        var demo = Run(command, empty, "demo", "--evaluations", "60", "--samples", "128");
        Assert.True(demo.ExitCode == 0, demo.ToString());
        Assert.Contains("finished 'quickstart'", demo.Stdout + demo.Stderr, StringComparison.Ordinal);
        Assert.Contains("schedule-search show quickstart", demo.Stdout, StringComparison.Ordinal);
        Assert.Contains("schedule-search report quickstart", demo.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(empty, "db", "quickstart.db")));
        var spec = File.ReadAllText(Path.Combine(empty, "schedule-search-demo", "quickstart.search.json"));
        Assert.Contains("\"evaluations\": 60", spec, StringComparison.Ordinal);
        Assert.Contains("\"gmm-64/model.json\"", spec, StringComparison.Ordinal);

        var report = Run(command, empty, "report", "quickstart");
        Assert.True(report.ExitCode == 0, report.ToString());
        Assert.True(File.Exists(Path.Combine(empty, "quickstart.report.html")));
    }

    private static CliResult Dotnet(string folder, params string[] args) => Run("dotnet", folder, args);

    private static CliResult Run(string program, string folder, params string[] args)
    {
        var info = new ProcessStartInfo(program) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["SCHEDULE_SEARCH_PLAIN"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} ran longer than {Limit}");
        }

        process.WaitForExit();
        return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}
