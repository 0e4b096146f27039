using System.Diagnostics;
using System.Text.RegularExpressions;
using ScheduleSearch.Cli.Tests.Support;
using ScheduleSearch.Storage;
using ScheduleSearch.Storage.LiteDb;
using ScheduleSearch.Storage.Postgres;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Cli.Tests.OutOfProcess;

/// <summary>
/// Issue 11's kill test: a shared search on PostgreSQL (a <c>run --storage</c> proposer and three <c>worker</c>
/// processes), one worker SIGKILLed while it holds claims, ends with exactly the budget, no key twice, the killed
/// worker's claims re-done by others after the grace period, and the same evaluations and winners as one process.
/// </summary>
public sealed class SharedSearchKillTests
{
    private const int Budget = 128;
    private const string Name = "shared kill";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    [Fact]
    public void A_shared_search_with_a_worker_killed_mid_evaluation_ends_as_a_one_process_run()
    {
        using var schema = new PostgresTestSchema();
        using var dir = new TempDirectory();
        var spec = dir.Write("shared.search.json", TinySearch.Spec(Name, Budget).Replace("\"samples\": 128, \"seed\": 0", "\"samples\": 2048, \"seed\": 0", StringComparison.Ordinal));
        // The one-process reference and the final shows run in this process (no process start-up to pay for); the
        // proposer and the workers are real processes.
        var reference = CliRun.Run("run", spec, "--db", dir.File("reference.db"));
        Assert.True(reference.ExitCode == 0, reference.ToString());

        // The proposer first; the workers join once it says the search exists (progress, not a clock).
        var processes = new List<Process>();
        try
        {
            var proposer = Watch(CliProcess.Start(dir.Path, "run", spec, "--storage", schema.Url, "--grace", "3"), processes);
            Assert.True(proposer.WaitFor(l => l.Contains("workers join with", StringComparison.Ordinal), Limit), "the proposer never started: " + proposer);
            // Kill on progress, not on a clock: a victim claims a large batch (evaluated one candidate after another),
            // and is SIGKILLed as soon as the database shows it holding claims, mid-evaluation. Should it finish its
            // claims between that check and the kill, another victim joins and the kill is tried again.
            var held = Array.Empty<string>();
            WatchedProcess? victim = null;
            for (var attempt = 0; attempt < 8 && held.Length == 0 && !proposer.Process.HasExited; attempt++)
            {
                victim = Watch(CliProcess.Start(dir.Path, "worker", "--storage", schema.Url, "--search", Name, "--grace", "3", "--batch", "32"), processes);
                string? victimId = null;
                Assert.True(victim.WaitFor(l => (victimId ??= Regex.Match(l, "worker (.+ worker [0-9a-f]{8}) joined") is { Success: true } m ? m.Groups[1].Value : null) is not null, Limit),
                    "the victim never joined: " + victim);
                var watch = Stopwatch.StartNew();
                while (watch.Elapsed < Limit && !proposer.Process.HasExited && !victim.Process.HasExited)
                {
                    if (HeldBy(schema, victimId!).Length > 0)
                    {
                        victim.Process.Kill();
                        victim.Process.WaitForExit();
                        held = HeldBy(schema, victimId!);
                        break;
                    }
                }
            }

            // The other workers join after the kill and re-do the victim's claims once the grace period has passed.
            WatchedProcess[] workers =
            [
                Watch(CliProcess.Start(dir.Path, "worker", "--storage", schema.Url, "--search", Name, "--grace", "3"), processes),
                Watch(CliProcess.Start(dir.Path, "worker", "--storage", schema.Url, "--search", Name, "--grace", "3"), processes),
            ];

            Assert.True(held.Length > 0, "no victim was killed while holding a claim: " + victim);
            Assert.True(proposer.Process.WaitForExit(Limit), "the proposer did not finish: " + proposer);
            Assert.True(proposer.Process.ExitCode == 0, proposer.ToString());
            foreach (var worker in workers)
            {
                Assert.True(worker.Process.WaitForExit(Limit), "a worker did not leave: " + worker);
                Assert.True(worker.Process.ExitCode == 0, worker.ToString());
                Assert.Contains("(finished)", worker.ToString(), StringComparison.Ordinal);
            }

            // Exactly the budget, each key once, every claim done, the victim's claims re-done by another process.
            Assert.Equal((long)Budget, schema.Scalar<long>("SELECT count(*) FROM history WHERE search = @s", ("s", Name)));
            Assert.Equal((long)Budget, schema.Scalar<long>("SELECT count(DISTINCT key) FROM history WHERE search = @s", ("s", Name)));
            Assert.Equal(0L, schema.Scalar<long>("SELECT count(*) FROM claims WHERE search = @s AND state <> 2", ("s", Name)));
            foreach (var key in held)
            {
                Assert.Equal(1L, schema.Scalar<long>("SELECT count(*) FROM history WHERE search = @s AND key = @k", ("s", Name), ("k", key)));
                Assert.True(schema.Scalar<int>("SELECT attempts FROM claims WHERE search = @s AND key = @k", ("s", Name), ("k", key)) >= 2, $"claim {key} was not re-done");
            }

            using (var expected = LiteDbScoreStore.OpenReadOnly(dir.File("reference.db")))
            using (var actual = PostgresScoreStore.OpenReadOnly(schema.Location))
            {
                var a = expected.GetSearchEvaluations(Name).Select(r => (r.ScheduleKey, r.Score)).OrderBy(p => p.ScheduleKey, StringComparer.Ordinal).ToArray();
                var b = actual.GetSearchEvaluations(Name).Select(r => (r.ScheduleKey, r.Score)).OrderBy(p => p.ScheduleKey, StringComparer.Ordinal).ToArray();
                Assert.Equal(Budget, a.Length);
                Assert.Equal(a, b);
            }

            Assert.Equal(SearchOutcome.Best(Name, "--db", dir.File("reference.db")), SearchOutcome.Best(Name, "--storage", schema.Url));
        }
        finally
        {
            foreach (var process in processes)
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                process.Dispose();
            }
        }
    }

    private static string[] HeldBy(PostgresTestSchema schema, string workerId)
    {
        var keys = schema.Scalar<string[]>("SELECT coalesce(array_agg(key), '{}') FROM claims WHERE owner = @w AND state = 1", ("w", workerId));
        return keys;
    }

    private static WatchedProcess Watch(Process process, List<Process> all)
    {
        all.Add(process);
        return new WatchedProcess(process);
    }
}
