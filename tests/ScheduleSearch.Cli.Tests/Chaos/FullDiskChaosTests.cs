using System.Diagnostics;
using System.Globalization;
using ScheduleSearch.Cli.Tests.Support;
using ScheduleSearch.Storage.LiteDb;
using ScheduleSearch.Tests.Shared;
using Xunit.Abstractions;

namespace ScheduleSearch.Cli.Tests.Chaos;

/// <summary>
/// Issue 18's chaos suite, a full disk for real: a search run on a 512 KiB tmpfs stops with one line saying no space
/// is left on the disk holding the database, exit 2; its files moved to a disk with room, the same command resumes
/// it to the uninterrupted result bit for bit.
/// </summary>
[Trait(ChaosScale.Trait, ChaosScale.Category)]
public sealed class FullDiskChaosTests(ITestOutputHelper output)
{
    private const string Name = "full disk";

    [TinyDiskFact]
    public void A_full_disk_is_said_in_one_line_and_the_search_resumes_identically_on_a_disk_with_room()
    {
        var watch = Stopwatch.StartNew();
        const int budget = 400;
        using var dir = new TempDirectory();
        var spec = dir.Write("full.search.json", TinySearch.Spec(Name, budget));
        var reference = CliRun.Run("run", spec, "--db", dir.File("reference.db"));
        Assert.True(reference.ExitCode == 0, reference.ToString());

        var moved = dir.File("moved");
        Directory.CreateDirectory(moved);
        int storedWhenFull;
        using (var disk = TinyDisk.Mount("512k"))
        {
            var db = Path.Combine(disk.Path, "search.db");
            var full = CliRun.Run("run", spec, "--db", db);
            Assert.True(full.ExitCode == 2, full.ToString());
            var lines = full.Stderr.TrimEnd().Split('\n');
            Assert.True(lines.Length == 1, full.Stderr);
            Assert.StartsWith($"error: no space left on the disk holding {db}: ", lines[0], StringComparison.Ordinal);
            // The failed write's LiteDB transaction is garbage now: finalizing it must not end the process.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            using (var store = LiteDbScoreStore.OpenReadOnly(db))
            {
                storedWhenFull = store.CountSearchEvaluations(Name);
            }

            Assert.InRange(storedWhenFull, 1, budget - 1);
            foreach (var file in Directory.GetFiles(disk.Path))
            {
                File.Copy(file, Path.Combine(moved, Path.GetFileName(file)));
            }
        }

        var resumed = CliRun.Run("run", spec, "--db", Path.Combine(moved, "search.db"));
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        using (var expected = LiteDbScoreStore.OpenReadOnly(dir.File("reference.db")))
        using (var actual = LiteDbScoreStore.OpenReadOnly(Path.Combine(moved, "search.db")))
        {
            Assert.Equal(SearchOutcome.Scores(expected, Name), SearchOutcome.Scores(actual, Name));
        }

        Assert.Equal(SearchOutcome.Best(Name, "--db", dir.File("reference.db")), SearchOutcome.Best(Name, "--db", Path.Combine(moved, "search.db")));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"chaos full disk: 512 KiB tmpfs full at {storedWhenFull} of {budget} evaluations, one-line message, exit 2; moved and resumed to the uninterrupted result, {watch.Elapsed.TotalSeconds:F1} s"));
    }
}
