using System.Globalization;
using System.Text.RegularExpressions;
using ScheduleSearch.Cli.Tests.Support;
using ScheduleSearch.Storage;
using ScheduleSearch.Storage.LiteDb;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Cli.Tests.OutOfProcess;

/// <summary>
/// Issue 5's kill test: a real <c>run</c> process is SIGKILLed at random moments, resumed each time, and ends with
/// the same evaluations and best schedules as an uninterrupted run with the same seed; the database opens cleanly
/// after every kill.
/// </summary>
public sealed class KillResumeTests
{
    private const int Budget = 240;

    [Fact]
    public void A_search_killed_at_random_moments_and_resumed_ends_as_an_uninterrupted_run()
    {
        using var dir = new TempDirectory();
        var spec = dir.Write("kill.search.json", TinySearch.Spec("kill test", Budget).Replace("\"samples\": 128, \"seed\": 0", "\"samples\": 384, \"seed\": 0", StringComparison.Ordinal));
        // The uninterrupted reference and the final show run in this process (no process start-up to pay for); the
        // runs that are killed and resumed are real processes.
        var reference = CliRun.Run("run", spec, "--db", dir.File("reference.db"));
        Assert.True(reference.ExitCode == 0, reference.ToString());

        var random = new Random(20261127);
        var kills = 0;
        var midSearch = 0;
        // Targets advance in small random steps and stop well short of the budget, so that on a fast machine the
        // batch finishing after the target is reached still leaves the search unfinished when the kill lands.
        for (var attempt = 0; attempt < 15 && midSearch < 5; attempt++)
        {
            var stored = Stored(dir);
            var target = Math.Min(stored + random.Next(5, 25), Budget - 60);
            using var process = CliProcess.Start(dir.Path, "run", spec, "--db", "killed.db");
            _ = process.StandardError.ReadToEndAsync();

            // Kill on progress, not on a clock: once the log shows the search past a random point beyond where
            // it resumed, wait a random moment more (usually inside the next batch) and SIGKILL the process.
            string? line;
            while ((line = process.StandardOutput.ReadLine()) is not null)
            {
                var match = Regex.Match(line, @"\| (\d+)/\d+ evals");
                if (match.Success && int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) >= target)
                {
                    Thread.Sleep(random.Next(0, 60));
                    break;
                }
            }

            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                kills++;
            }

            process.WaitForExit();

            // The database must open (read-only, as show does) after every kill, and never lose what it had.
            var after = Stored(dir);
            Assert.InRange(after, stored, Budget);
            midSearch += after is > 0 and < Budget ? 1 : 0;
        }

        Assert.True(kills >= 5, $"only {kills} runs were still going when killed");
        Assert.True(midSearch >= 5, $"only {midSearch} kills landed between the first and the last evaluation");
        var finish = CliProcess.Run(dir.Path, "run", spec, "--db", "killed.db");
        Assert.True(finish.ExitCode == 0, finish.ToString());

        using (var expected = LiteDbScoreStore.OpenReadOnly(dir.File("reference.db")))
        using (var actual = LiteDbScoreStore.OpenReadOnly(dir.File("killed.db")))
        {
            var a = expected.GetSearchEvaluations("kill test").Select(r => (r.ScheduleKey, r.Score)).OrderBy(p => p.ScheduleKey, StringComparer.Ordinal).ToArray();
            var b = actual.GetSearchEvaluations("kill test").Select(r => (r.ScheduleKey, r.Score)).OrderBy(p => p.ScheduleKey, StringComparer.Ordinal).ToArray();
            Assert.Equal(Budget, a.Length);
            Assert.Equal(a, b);
        }

        Assert.Equal(SearchOutcome.Best("kill test", "--db", dir.File("reference.db")), SearchOutcome.Best("kill test", "--db", dir.File("killed.db")));
    }

    private static int Stored(TempDirectory dir)
    {
        if (!File.Exists(dir.File("killed.db")))
        {
            return 0;
        }

        using var store = LiteDbScoreStore.OpenReadOnly(dir.File("killed.db"));
        return store.CountSearchEvaluations("kill test");
    }
}
