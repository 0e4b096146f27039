using System.Diagnostics;
using System.Globalization;
using ScheduleSearch.Cli.Tests.Support;
using ScheduleSearch.Storage.LiteDb;
using ScheduleSearch.Tests.Shared;
using Xunit.Abstractions;

namespace ScheduleSearch.Cli.Tests.Chaos;

/// <summary>
/// Issue 18's chaos suite, one LiteDB file shared: while a real <c>run</c> process writes (a search too large to end
/// during the test, with a checkpoint after nearly every write through a backup every 0.07 s), a second writer is
/// refused with one line naming the owner, and <c>show</c>, <c>list</c> and a read-only store read the file again
/// and again, each within a time limit, without an error or a report of damage, the evaluation count never going
/// back. The writer is then SIGKILLed and the file passes the full integrity check. Sized by <see cref="ChaosScale"/>.
/// </summary>
[Trait(ChaosScale.Trait, ChaosScale.Category)]
public sealed class ConcurrentAccessChaosTests(ITestOutputHelper output)
{
    private const string Name = "shared file";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan ReadLimit = TimeSpan.FromSeconds(60);

    [Fact]
    public void A_second_writer_is_refused_cleanly_and_readers_during_writes_never_fail()
    {
        var watch = Stopwatch.StartNew();
        using var dir = new TempDirectory();
        var spec = dir.Write("shared.search.json", TinySearch.Spec(Name, 1_000_000));
        var db = dir.File("shared.db");
        var writer = new WatchedProcess(CliProcess.Start(dir.Path, "run", spec, "--db", db, "--backup-every", "0.00002"));
        var rounds = ChaosScale.Of(12);
        var seen = new List<int>();
        using (writer.Process)
        {
            try
            {
                Assert.True(writer.WaitFor(l => l.Contains(" evals ", StringComparison.Ordinal), Limit), "the writer never made progress: " + writer);

                var second = CliRun.Run("run", spec, "--db", db);
                Assert.True(second.ExitCode != 0, second.ToString());
                Assert.StartsWith($"error: database {db} is in use by ", second.Stderr, StringComparison.Ordinal);
                Assert.Single(second.Stderr.TrimEnd().Split('\n'));

                for (var round = 0; round < rounds; round++)
                {
                    foreach (var args in new[] { new[] { "show", Name, "--db", db, "--json" }, ["list", "--db", db] })
                    {
                        var read = Within(() => CliRun.Run(args), $"{string.Join(' ', args)} (round {round})");
                        Assert.True(read.ExitCode == 0, $"{string.Join(' ', args)} during writes (round {round}): {read}");
                        Assert.DoesNotContain("damaged", read.Stderr + read.Stdout, StringComparison.OrdinalIgnoreCase);
                    }

                    seen.Add(Within(
                        () =>
                        {
                            using var store = LiteDbScoreStore.OpenReadOnly(db);
                            return store.CountSearchEvaluations(Name);
                        },
                        $"a read-only store (round {round})"));
                }

                Assert.False(writer.Process.HasExited, "the writer ended before the reads did, so they were not all during writes: " + writer);
            }
            finally
            {
                if (!writer.Process.HasExited)
                {
                    writer.Process.Kill();
                    writer.Process.WaitForExit();
                }
            }
        }

        Assert.Equal(seen.Order(), seen);
        Assert.True(seen[^1] > seen[0], $"the writer stored nothing during the reads ({seen[0]} evaluations throughout)");
        var report = LiteDbIntegrity.Check(db);
        Assert.True(report.IsIntact, string.Join("; ", report.Problems));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"chaos shared file: second writer refused (non-zero exit, one line); {rounds} rounds of show, list and a read-only store during writes (evaluations {seen[0]} to {seen[^1]}), none failed; the writer SIGKILLed, the file intact; {watch.Elapsed.TotalSeconds:F1} s"));
    }

    /// <summary>Runs a read on its own thread and fails the test when it takes longer than <see cref="ReadLimit"/> (a reader must never wait on the writer).</summary>
    private static T Within<T>(Func<T> read, string what)
    {
        var task = Task.Run(read);
        Assert.True(task.Wait(ReadLimit), $"{what} took more than {ReadLimit.TotalSeconds} s while the writer ran");
        return task.Result;
    }
}
