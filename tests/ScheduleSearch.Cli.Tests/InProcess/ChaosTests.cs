using ScheduleSearch.Cli.Tests.Support;
using ScheduleSearch.Storage;
using ScheduleSearch.Storage.LiteDb;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Cli.Tests.InProcess;

/// <summary>
/// Issue 18's damage tests on a real search's database through the CLI: list, show and run refuse a truncated and a
/// bit-flipped file untouched, and db check --salvage recovers it.
/// </summary>
public sealed class ChaosTests(ChaosTests.Reference reference) : IClassFixture<ChaosTests.Reference>
{
    private const string Name = "chaos";
    private const int Budget = 200;

    [Fact]
    public void A_truncated_or_bit_flipped_database_is_refused_by_list_show_and_run_with_the_damage_named_and_its_bytes_unchanged()
    {
        using var dir = new TempDirectory();
        var spec = dir.Write("chaos.search.json", reference.SpecText);
        var original = File.ReadAllBytes(reference.DatabasePath);
        File.WriteAllBytes(dir.File("truncated.db"), original[..(original.Length / 2)]);
        var flipped = (byte[])original.Clone();
        var score = BitConverter.GetBytes(reference.ByKey.Values.First(r => r.Status == EvaluationStatus.Ok).Score);
        flipped[flipped.AsSpan().IndexOf(score) + 3] ^= 0x10;
        File.WriteAllBytes(dir.File("flipped.db"), flipped);

        foreach (var (file, damage) in new[] { ("truncated.db", "truncated"), ("flipped.db", "does not match its checksum") })
        {
            var bytes = File.ReadAllBytes(dir.File(file));
            foreach (var args in new[] { new[] { "list", "--db", dir.File(file) }, ["show", Name, "--db", dir.File(file)], ["run", spec, "--db", dir.File(file)] })
            {
                var result = CliRun.Run(args);
                Assert.True(result.ExitCode == 2, result.ToString());
                Assert.Contains($"{file} is damaged: ", result.Stderr, StringComparison.Ordinal);
                Assert.Contains(damage, result.Stderr, StringComparison.Ordinal);
                Assert.Contains("--salvage", result.Stderr, StringComparison.Ordinal);
                Assert.Equal(bytes, File.ReadAllBytes(dir.File(file)));
                Assert.False(File.Exists(dir.File(Path.GetFileNameWithoutExtension(file) + "-log.db")), "a log file appeared");
            }

            var check = CliRun.Run("db", "check", dir.File(file), "--salvage", dir.File("salvaged-" + file));
            Assert.True(check.ExitCode == 0, check.ToString());
            Assert.Contains("DAMAGED", check.Stdout, StringComparison.Ordinal);
            Assert.Contains("the new file is intact", check.Stdout, StringComparison.Ordinal);
        }
    }

    private static HashSet<(string, double)> Scores(string path)
    {
        using var store = LiteDbScoreStore.OpenReadOnly(path);
        return [.. store.GetSearchEvaluations(Name).Select(r => (r.ScheduleKey, r.Score))];
    }

    /// <summary>The uninterrupted search every chaos test compares with (run once per class).</summary>
    public sealed class Reference : IDisposable
    {
        private readonly TempDirectory folder = new();

        public Reference()
        {
            SpecText = TinySearch.Spec(Name, Budget);
            var spec = folder.Write("chaos.search.json", SpecText);
            var run = CliRun.Run("run", spec, "--db", DatabasePath);
            if (run.ExitCode != 0)
            {
                throw new InvalidOperationException("the reference search failed: " + run);
            }

            using var store = LiteDbScoreStore.OpenReadOnly(DatabasePath);
            var all = store.GetSearchEvaluations(Name);
            ByKey = all.ToDictionary(r => r.Key);
            Scores = [.. all.Select(r => (r.ScheduleKey, r.Score))];
        }

        public string SpecText { get; }

        public string DatabasePath => folder.File("reference.db");

        public IReadOnlyDictionary<string, EvaluationRecord> ByKey { get; }

        public HashSet<(string, double)> Scores { get; }

        public void Dispose() => folder.Dispose();
    }
}
