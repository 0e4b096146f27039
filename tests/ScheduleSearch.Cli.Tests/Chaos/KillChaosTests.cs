using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ScheduleSearch.Cli.Tests.Support;
using ScheduleSearch.Storage.LiteDb;
using ScheduleSearch.Tests.Shared;
using Xunit.Abstractions;

namespace ScheduleSearch.Cli.Tests.Chaos;

/// <summary>
/// Issue 18's chaos suite, process kills: one real <c>run</c> of a small search SIGKILLed again and again at random
/// (seeded) moments, three kinds taking turns: a random moment after start (opening, the log replayed, the
/// integrity check, the teachers), a random moment after a random evaluation count (inside a batched insert), and
/// at once after a progress line while a backup every 0.07 s forces a checkpoint after nearly every write. After
/// every kill the database passes the full integrity check and has lost nothing it had; resumed to the end, the
/// search equals the uninterrupted one bit for bit. Sized by <see cref="ChaosScale"/>.
/// </summary>
[Trait(ChaosScale.Trait, ChaosScale.Category)]
public sealed class KillChaosTests(ITestOutputHelper output)
{
    private const string Name = "kill chaos";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public void A_search_killed_at_random_points_resumes_to_the_uninterrupted_result_bit_for_bit()
    {
        var watch = Stopwatch.StartNew();
        var kills = ChaosScale.Of(22);
        // Enough budget that every kill lands before the end: each run advances a few batches at most.
        var budget = 96 + (kills * 24);
        using var dir = new TempDirectory();
        var spec = dir.Write("kill.search.json", TinySearch.Spec(Name, budget));
        var reference = CliRun.Run("run", spec, "--db", dir.File("reference.db"));
        Assert.True(reference.ExitCode == 0, reference.ToString());

        var random = new Random(1803);
        var killed = 0;
        var midSearch = 0;
        var byKind = new int[3];
        var db = dir.File("killed.db");
        for (var attempt = 0; killed < kills && attempt < kills * 2; attempt++)
        {
            var stored = Stored(db);
            var kind = attempt % 3;
            var process = new WatchedProcess(CliProcess.Start(dir.Path, "run", spec, "--db", db, "--backup-every", "0.00002"));
            using (process.Process)
            {
                switch (kind)
                {
                    case 0:
                        // A random moment, cut short should the run get far (a fast machine) so the budget lasts.
                        var cap = Math.Min(stored + 32, budget - 24);
                        process.WaitFor(l => Progress(l) >= cap, TimeSpan.FromMilliseconds(random.Next(300, 1500)));
                        break;
                    case 1:
                        var target = Math.Min(stored + random.Next(4, 24), budget - 24);
                        process.WaitFor(l => Progress(l) >= target, Limit);
                        Thread.Sleep(random.Next(0, 40));
                        break;
                    default:
                        // Right after the first write this run reports; progress lines come once per generation, so
                        // on a fast machine the wait is cut short as in the first case, to keep the budget for the next kills.
                        process.WaitFor(l => Progress(l) > stored, TimeSpan.FromMilliseconds(1500));
                        break;
                }

                if (!process.Process.HasExited)
                {
                    process.Process.Kill(entireProcessTree: true);
                    killed++;
                    byKind[kind]++;
                }

                process.Process.WaitForExit();
            }

            // Every kill leaves a database that passes the full check (with its log) and has kept what it had.
            if (File.Exists(db))
            {
                var report = LiteDbIntegrity.Check(db);
                Assert.True(report.IsIntact, $"after kill {killed}: " + string.Join("; ", report.Problems));
            }

            var after = Stored(db);
            Assert.InRange(after, stored, budget);
            Assert.True(after < budget, $"kill {killed} came after the search finished; raise the budget");
            midSearch += after > 0 ? 1 : 0;
        }

        Assert.True(killed >= kills, $"only {killed} of {kills} runs were still going when killed");
        var finish = CliProcess.Run(dir.Path, "run", spec, "--db", db);
        Assert.True(finish.ExitCode == 0, finish.ToString());

        using (var expected = LiteDbScoreStore.OpenReadOnly(dir.File("reference.db")))
        using (var actual = LiteDbScoreStore.OpenReadOnly(db))
        {
            var a = SearchOutcome.Scores(expected, Name);
            Assert.Equal(budget, a.Length);
            Assert.Equal(a, SearchOutcome.Scores(actual, Name));
        }

        Assert.Equal(SearchOutcome.Best(Name, "--db", dir.File("reference.db")), SearchOutcome.Best(Name, "--db", db));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"chaos kills: {killed} SIGKILLs survived ({byKind[0]} at a random moment after start, {byKind[1]} inside a batch, {byKind[2]} right after a write with a checkpoint per write; {midSearch} with evaluations stored), budget {budget}, resumed to the uninterrupted result bit for bit, {watch.Elapsed.TotalSeconds:F1} s"));
    }

    /// <summary>The evaluation count a progress line reports, or -1.</summary>
    private static int Progress(string line) =>
        Regex.Match(line, @"\| (\d+)/\d+ evals") is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : -1;

    private static int Stored(string db)
    {
        if (!File.Exists(db))
        {
            return 0;
        }

        using var store = LiteDbScoreStore.OpenReadOnly(db);
        return store.CountSearchEvaluations(Name);
    }
}
