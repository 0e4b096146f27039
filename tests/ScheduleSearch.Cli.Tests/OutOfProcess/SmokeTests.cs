using ScheduleSearch.Cli.Tests.Support;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Cli.Tests.OutOfProcess;

/// <summary>The built program as a user starts it: a small search from a relative spec into the default db/ folder, and a parse error on the console.</summary>
public sealed class SmokeTests
{
    [Fact]
    public void A_small_search_runs_as_a_process_into_the_default_database_and_a_parse_error_exits_with_2()
    {
        using var dir = new TempDirectory();
        dir.Write("smoke.search.json", TinySearch.Spec("smoke", 24));
        var run = CliProcess.Run(dir.Path, "run", "smoke.search.json");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("next: schedule-search show smoke", run.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(dir.File(Path.Combine("db", "smoke.db"))), "no db/smoke.db under the working folder");

        var bad = CliProcess.Run(dir.Path, "list", "--colour");
        Assert.True(bad.ExitCode == 2, bad.ToString());
        Assert.StartsWith("error: ", Assert.Single(bad.ErrorLines), StringComparison.Ordinal);
    }
}
