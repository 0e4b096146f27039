using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ScheduleSearch.Cli.Tests.Support;
using ScheduleSearch.Storage.LiteDb;
using ScheduleSearch.Storage.Postgres;
using ScheduleSearch.Tests.Shared;
using Xunit.Abstractions;

namespace ScheduleSearch.Cli.Tests.Chaos;

/// <summary>
/// Issue 18's chaos suite, the PostgreSQL store: on a server of the test's own, a shared search (a <c>run
/// --storage</c> proposer and workers) has a worker SIGKILLed while it holds claims and then the server itself
/// restarted mid-search (<c>pg_ctl stop -m immediate</c>, as a crash). A process that loses the server stops with one
/// line; started again, as a user would, the search ends with exactly its budget, no evaluation lost or counted
/// twice, and the evaluations and winners of a one-process run.
/// </summary>
[Trait(ChaosScale.Trait, ChaosScale.Category)]
public sealed class PostgresChaosTests(ITestOutputHelper output)
{
    private const int Budget = 128;
    private const string Name = "pg chaos";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    [Fact]
    public void A_worker_killed_holding_claims_and_a_server_restart_mid_search_leave_the_budget_exact()
    {
        var watch = Stopwatch.StartNew();
        using var server = ThrowawayPostgres.Start();
        using var schema = new PostgresTestSchema(server.Url);
        using var dir = new TempDirectory();
        var spec = dir.Write("pg.search.json", TinySearch.Spec(Name, Budget).Replace("\"samples\": 128, \"seed\": 0", "\"samples\": 2048, \"seed\": 0", StringComparison.Ordinal));
        var reference = CliRun.Run("run", spec, "--db", dir.File("reference.db"));
        Assert.True(reference.ExitCode == 0, reference.ToString());

        var all = new List<WatchedProcess>();
        WatchedProcess Start(params string[] args)
        {
            var process = new WatchedProcess(CliProcess.Start(dir.Path, args));
            all.Add(process);
            return process;
        }

        string[] proposerArgs = ["run", spec, "--storage", schema.Url, "--grace", "3"];
        string[] workerArgs = ["worker", "--storage", schema.Url, "--search", Name, "--grace", "3"];
        try
        {
            var proposer = Start(proposerArgs);
            Assert.True(proposer.WaitFor(l => l.Contains("workers join with", StringComparison.Ordinal), Limit), "the proposer never started: " + proposer);

            // A victim with a large batch, SIGKILLed as soon as the database shows it holding claims.
            var held = 0;
            for (var attempt = 0; attempt < 8 && held == 0; attempt++)
            {
                var victim = Start([.. workerArgs, "--batch", "32"]);
                string? id = null;
                Assert.True(victim.WaitFor(l => (id ??= Regex.Match(l, "worker (.+ worker [0-9a-f]{8}) joined") is { Success: true } m ? m.Groups[1].Value : null) is not null, Limit), "the victim never joined: " + victim);
                var wait = Stopwatch.StartNew();
                while (wait.Elapsed < Limit && !victim.Process.HasExited)
                {
                    if (schema.Scalar<long>("SELECT count(*) FROM claims WHERE owner = @w AND state = 1", ("w", id!)) > 0)
                    {
                        victim.Process.Kill();
                        victim.Process.WaitForExit();
                        held = (int)schema.Scalar<long>("SELECT count(*) FROM claims WHERE owner = @w AND state = 1", ("w", id!));
                        break;
                    }
                }
            }

            Assert.True(held > 0, "no worker was killed while holding a claim");
            var workers = new List<WatchedProcess> { Start(workerArgs), Start(workerArgs) };

            // The server crashes once a third of the budget is stored, and comes back on the same port.
            var before = WaitForHistory(schema, Budget / 3, proposer);
            server.Restart();

            // Whoever lost the server stops with one line; each is started again until the search ends.
            var restarts = 0;
            var lostLines = new List<string>();
            while (watch.Elapsed < TimeSpan.FromMinutes(3))
            {
                if (proposer.Process.WaitForExit(500) && proposer.Process.ExitCode == 0)
                {
                    break;
                }

                foreach (var process in workers.Concat([proposer]).Where(p => p.Process.HasExited && p.Process.ExitCode != 0).ToList())
                {
                    lostLines.Add(AssertOneLineError(process));
                    restarts++;
                    if (process == proposer)
                    {
                        proposer = Start(proposerArgs);
                    }
                    else
                    {
                        workers.Remove(process);
                        workers.Add(Start(workerArgs));
                    }
                }
            }

            Assert.True(proposer.Process.HasExited && proposer.Process.ExitCode == 0, "the proposer did not finish: " + proposer);
            foreach (var worker in workers)
            {
                Assert.True(worker.Process.WaitForExit(Limit), "a worker did not leave: " + worker);
            }

            Assert.Equal((long)Budget, schema.Scalar<long>("SELECT count(*) FROM history WHERE search = @s", ("s", Name)));
            Assert.Equal((long)Budget, schema.Scalar<long>("SELECT count(DISTINCT key) FROM history WHERE search = @s", ("s", Name)));
            Assert.Equal(0L, schema.Scalar<long>("SELECT count(*) FROM claims WHERE search = @s AND state <> 2", ("s", Name)));
            using (var expected = LiteDbScoreStore.OpenReadOnly(dir.File("reference.db")))
            using (var actual = PostgresScoreStore.OpenReadOnly(schema.Location))
            {
                Assert.Equal(SearchOutcome.Scores(expected, Name), SearchOutcome.Scores(actual, Name));
            }

            Assert.Equal(SearchOutcome.Best(Name, "--db", dir.File("reference.db")), SearchOutcome.Best(Name, "--storage", schema.Url));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"chaos postgres: worker SIGKILLed holding {held} claims, server restarted at {before} of {Budget}, {restarts} processes stopped with one line and were started again ({string.Join(" | ", lostLines.Distinct())}); budget exact, each key once, {watch.Elapsed.TotalSeconds:F1} s"));
        }
        finally
        {
            foreach (var process in all)
            {
                if (!process.Process.HasExited)
                {
                    process.Process.Kill(entireProcessTree: true);
                }

                process.Process.Dispose();
            }
        }
    }

    private static long WaitForHistory(PostgresTestSchema schema, int count, WatchedProcess proposer)
    {
        var wait = Stopwatch.StartNew();
        while (wait.Elapsed < Limit)
        {
            var stored = schema.Scalar<long>("SELECT count(*) FROM history WHERE search = @s", ("s", Name));
            if (stored >= count)
            {
                return stored;
            }

            Assert.False(proposer.Process.HasExited, "the proposer ended early: " + proposer);
            Thread.Sleep(100);
        }

        throw new TimeoutException($"the search did not reach {count} evaluations: {proposer}");
    }

    /// <summary>A process that lost the server says so in one line, exit 2, with no stack trace.</summary>
    private static string AssertOneLineError(WatchedProcess process)
    {
        var text = process.ToString();
        var errors = text.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 1 && errors[0].Contains("the server", StringComparison.Ordinal) && process.Process.ExitCode == 2 && !text.Contains("   at ", StringComparison.Ordinal),
            $"a process that lost the server (exit {process.Process.ExitCode}) did not stop with one line: {text}");
        return errors[0];
    }
}
