using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ScheduleSearch.Cli.Tests.Support;
using ScheduleSearch.Storage.LiteDb;
using ScheduleSearch.Tests.Shared;
using Xunit.Abstractions;

namespace ScheduleSearch.Cli.Tests.OutOfProcess;

/// <summary>
/// Ctrl+C and <c>kill PID</c> on a real <c>run</c>: the process finishes the evaluation in flight, marks the search
/// interrupted, prints how to resume and exits 130; the same command then ends with the uninterrupted result.
/// </summary>
public sealed class InterruptResumeTests(ITestOutputHelper output)
{
    private const int Budget = 240;
    private const string Name = "interrupt test";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    [Fact]
    public void Sigterm_and_sigint_stop_a_run_cleanly_and_the_same_command_resumes_it_to_the_uninterrupted_result()
    {
        using var dir = new TempDirectory();
        var spec = dir.Write("interrupt.search.json", TinySearch.Spec(Name, Budget).Replace("\"samples\": 128, \"seed\": 0", "\"samples\": 384, \"seed\": 0", StringComparison.Ordinal));
        var reference = CliRun.Run("run", spec, "--db", dir.File("reference.db"));
        Assert.True(reference.ExitCode == 0, reference.ToString());

        // A process started with SIGINT ignored (a script's background job) passes that on; .NET then cannot see it.
        var signals = SigintIgnored() ? new[] { "TERM" } : ["TERM", "INT"];
        foreach (var signal in signals)
        {
            var db = dir.File(signal + ".db");
            var run = new WatchedProcess(CliProcess.Start(dir.Path, "run", spec, "--db", db));
            using (run.Process)
            {
                Assert.True(run.WaitFor(l => Regex.Match(l, @"\| (\d+)/\d+ evals") is { Success: true } m && int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) >= 40, Limit), "no progress: " + run);
                var sent = Stopwatch.StartNew();
                using (var kill = Process.Start("kill", ["-" + signal, run.Process.Id.ToString(CultureInfo.InvariantCulture)]))
                {
                    kill.WaitForExit();
                }

                Assert.True(run.Process.WaitForExit(Limit), $"SIG{signal}: the run did not stop: {run}");
                Assert.True(run.Process.ExitCode == 130, $"SIG{signal}: exit {run.Process.ExitCode}: {run}");
                Assert.Contains("resume with: schedule-search run ", run.ToString(), StringComparison.Ordinal);
                Assert.Contains("interrupted after ", run.ToString(), StringComparison.Ordinal);
                var show = CliRun.Run("show", Name, "--db", db, "--json");
                Assert.Matches("\"status\":\\s*\"interrupted\"", show.Stdout);
                Assert.True(LiteDbIntegrity.Check(db).IsIntact);
                int stored;
                using (var store = LiteDbScoreStore.OpenReadOnly(db))
                {
                    stored = store.CountSearchEvaluations(Name);
                }

                Assert.InRange(stored, 40, Budget - 1);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SIG{signal}: stopped {sent.Elapsed.TotalSeconds:F1} s after the signal at {stored} of {Budget}, exit 130"));
            }

            var resumed = CliRun.Run("run", spec, "--db", db);
            Assert.True(resumed.ExitCode == 0, resumed.ToString());
            using var expected = LiteDbScoreStore.OpenReadOnly(dir.File("reference.db"));
            using var actual = LiteDbScoreStore.OpenReadOnly(db);
            Assert.Equal(SearchOutcome.Scores(expected, Name), SearchOutcome.Scores(actual, Name));
            Assert.Equal(SearchOutcome.Best(Name, "--db", dir.File("reference.db")), SearchOutcome.Best(Name, "--db", db));
        }

        output.WriteLine(signals.Length == 2 ? "both signals tested" : "SIGINT not tested: this test process ignores it, so its children would too");
    }

    /// <summary>Whether this process ignores SIGINT (bit 2 of SigIgn in /proc/self/status), as its children then do.</summary>
    private static bool SigintIgnored()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return (ulong.Parse(line["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & 0x2) != 0;
    }
}
