using System.Diagnostics;
using System.Globalization;
using ScheduleSearch.Cli.Tests.Support;
using ScheduleSearch.Storage.LiteDb;
using ScheduleSearch.Tests.Shared;
using Xunit.Abstractions;

namespace ScheduleSearch.Cli.Tests.Chaos;

/// <summary>
/// Issue 18's chaos suite, one LiteDB file shared: while a real <c>run</c> process writes (with a checkpoint after
/// nearly every write, through a backup every 0.07 s), a second writer is refused with one line naming the owner and
/// changes nothing, and <c>show</c> and <c>list</c> read it again and again without a crash or a report of damage.
/// Sized by <see cref="ChaosScale"/>.
/// </summary>
[Trait(ChaosScale.Trait, ChaosScale.Category)]
public sealed class ConcurrentAccessChaosTests(ITestOutputHelper output)
{
    private const string Name = "shared file";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    [Fact(Skip = "On a quiet machine the writer of its 240-evaluation budget ends before the second writer tries (which then resumes a finished search, exit 0); a longer writer hung the reads loop once. Not yet reliable: issue 18 notes it")]
    public void A_second_writer_is_refused_cleanly_and_readers_during_writes_never_fail()
    {
        var watch = Stopwatch.StartNew();
        using var dir = new TempDirectory();
        var budget = ChaosScale.Of(240);
        var spec = dir.Write("shared.search.json", TinySearch.Spec(Name, budget).Replace("\"samples\": 128, \"seed\": 0", "\"samples\": 384, \"seed\": 0", StringComparison.Ordinal));
        var db = dir.File("shared.db");
        var writer = new WatchedProcess(CliProcess.Start(dir.Path, "run", spec, "--db", db, "--backup-every", "0.00002"));
        using (writer.Process)
        {
            Assert.True(writer.WaitFor(l => l.Contains(" evals ", StringComparison.Ordinal), Limit), "the writer never made progress: " + writer);

            var second = CliRun.Run("run", spec, "--db", db);
            Assert.True(second.ExitCode != 0, second.ToString());
            Assert.StartsWith($"error: database {db} is in use by ", second.Stderr, StringComparison.Ordinal);
            Assert.Single(second.Stderr.TrimEnd().Split('\n'));

            var reads = 0;
            var seen = new List<int>();
            while (!writer.Process.HasExited && watch.Elapsed < Limit)
            {
                foreach (var args in new[] { new[] { "show", Name, "--db", db, "--json" }, ["list", "--db", db] })
                {
                    var read = CliRun.Run(args);
                    Assert.True(read.ExitCode == 0, $"{string.Join(' ', args)} during writes (read {reads}): {read}");
                    Assert.DoesNotContain("damaged", read.Stderr + read.Stdout, StringComparison.OrdinalIgnoreCase);
                    reads++;
                }

                using var store = LiteDbScoreStore.OpenReadOnly(db);
                seen.Add(store.CountSearchEvaluations(Name));
            }

            Assert.True(writer.Process.WaitForExit(Limit), "the writer did not finish: " + writer);
            Assert.True(writer.Process.ExitCode == 0, writer.ToString());
            Assert.True(reads >= 10, $"only {reads} reads happened during the writes");
            Assert.Equal(seen.Order(), seen);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"chaos shared file: second writer refused (exit 2, one line), {reads} show/list reads during writes (counts {seen.FirstOrDefault()} to {seen.LastOrDefault()} of {budget}), none failed, {watch.Elapsed.TotalSeconds:F1} s"));
        }

        var report = LiteDbIntegrity.Check(db);
        Assert.True(report.IsIntact, string.Join("; ", report.Problems));
    }
}
