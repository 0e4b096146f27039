using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using LiteDB;
using ScheduleSearch.Storage.LiteDb;
using ScheduleSearch.Storage.Tests.Support;
using ScheduleSearch.Tests.Shared;
using Xunit.Abstractions;

namespace ScheduleSearch.Storage.Tests.Chaos;

/// <summary>
/// Issue 18's chaos suite, file damage: a finished database cut at random (seeded) lengths and hit by bit flips at
/// random offsets. Every case is either refused by the reader <c>list</c> uses and by the writer, with the damage
/// message and every byte of the folder unchanged, or (the damage hit bytes nothing reads) opens and gives exactly
/// the stored evaluations; never a wrong score. Each truncated file is salvaged and gives back every evaluation whose
/// document lies whole in the bytes left, a page cut short included. Sized by <see cref="ChaosScale"/>.
/// </summary>
[Trait(ChaosScale.Trait, ChaosScale.Category)]
public sealed class DamagedFileChaosTests(DamagedFileChaosTests.Finished finished, ITestOutputHelper output) : IClassFixture<DamagedFileChaosTests.Finished>
{
    private static readonly ScoreStoreOptions Fast = new() { LockWait = TimeSpan.FromMilliseconds(100) };

    [Fact]
    public void Truncated_files_are_refused_untouched_and_salvage_recovers_every_intact_evaluation()
    {
        var watch = Stopwatch.StartNew();
        var random = new Random(1801);
        var original = finished.Bytes;
        var pages = original.Length / LiteDbFiles.PageSize;
        var cases = ChaosScale.Of(20);
        var recovered = 0;
        var intactTotal = 0;
        for (var i = 0; i < cases; i++)
        {
            // Half the cuts fall on a page boundary, half inside a page (a write cut short); one drops the last byte.
            var length = i == 0 ? original.Length - 1
                : i % 2 == 0 ? random.Next(1, pages) * LiteDbFiles.PageSize
                : random.Next(LiteDbFiles.PageSize + 1, original.Length);
            using var dir = new TempDirectory();
            var path = dir.File("cut.db");
            var kept = original[..length];
            File.WriteAllBytes(path, kept);
            var what = string.Create(CultureInfo.InvariantCulture, $"cut to {length} of {original.Length} bytes");

            var ex = AssertRefusedUntouched(dir, path, what);
            Assert.True(ex is not null, $"{what}: the truncated file was not refused");

            // Intact: the evaluation's document lies whole in the bytes left (also in a page cut short).
            var intact = finished.All.Where(e => kept.AsSpan().IndexOf(finished.Documents[e.Key]) >= 0).Select(e => e.Key).ToHashSet();
            var target = dir.File("salvaged.db");
            var result = LiteDbSalvage.Salvage(path, target);
            Assert.Equal(kept, File.ReadAllBytes(path));
            var report = LiteDbIntegrity.Check(target);
            Assert.True(report.IsIntact, what + ": " + string.Join("; ", report.Problems));
            using var salvaged = LiteDbScoreStore.OpenReadOnly(target, Fast);
            var found = salvaged.GetEvaluations(finished.ByKey.Keys);
            var lost = intact.Where(k => !found.ContainsKey(k)).Select(k => finished.All.ToList().FindIndex(e => e.Key == k)).ToList();
            Assert.True(lost.Count == 0, $"{what}: salvage lost {lost.Count} intact evaluations (numbers {string.Join(", ", lost)}) of {intact.Count}; {result.Unreadable} unreadable");
            Assert.All(found.Values, e => Assert.Equal(finished.ByKey[e.Key], e));
            Assert.Equal(result.Evaluations, found.Count);
            recovered += found.Count;
            intactTotal += intact.Count;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"chaos truncation: {cases} cut files of {original.Length} bytes, {cases} refused untouched, salvage recovered {recovered} evaluations ({intactTotal} lay whole in the bytes left), {watch.Elapsed.TotalSeconds:F1} s"));
    }

    [Fact]
    public void Bit_flips_anywhere_are_refused_untouched_or_change_nothing_read()
    {
        var watch = Stopwatch.StartNew();
        var random = new Random(1802);
        var original = finished.Bytes;
        var cases = ChaosScale.Of(30);
        var refused = 0;
        var harmless = 0;
        for (var i = 0; i < cases; i++)
        {
            // One bit, a run of 8 bytes with one random bit each, or 200 bytes so (the issue's case).
            var bytes = (byte[])original.Clone();
            var span = (i % 3) switch { 0 => 1, 1 => 8, _ => 200 };
            var at = random.Next(0, bytes.Length - span);
            for (var k = 0; k < span; k++)
            {
                bytes[at + k] ^= (byte)(1 << random.Next(8));
            }

            using var dir = new TempDirectory();
            var path = dir.File("flipped.db");
            File.WriteAllBytes(path, bytes);
            var what = string.Create(CultureInfo.InvariantCulture, $"{span} byte(s) flipped at offset {at} (page {at / LiteDbFiles.PageSize})");

            if (AssertRefusedUntouched(dir, path, what) is not null)
            {
                refused++;
                continue;
            }

            // Passed the full check: the damage hit bytes nothing reads, and everything reads as stored.
            using (var reader = LiteDbScoreStore.OpenReadOnly(path, Fast))
            {
                AssertOriginal(reader, what);
            }

            using (var writer = LiteDbScoreStore.Open(path, Fast))
            {
                AssertOriginal(writer, what);
            }

            harmless++;
        }

        Assert.Equal(cases, refused + harmless);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"chaos bit flips: {cases} damaged files of {original.Length} bytes, {refused} refused untouched, {harmless} harmless (flips in unused bytes, every score as stored), 0 wrong scores, {watch.Elapsed.TotalSeconds:F1} s"));
    }

    /// <summary>Null when both the checked reader and the writer open the file; else the refusal, checked.</summary>
    private static DatabaseDamagedException? AssertRefusedUntouched(TempDirectory dir, string path, string what)
    {
        var before = Hashes(dir);
        DatabaseDamagedException? refusal = null;
        try
        {
            LiteDbScoreStore.OpenReadOnlyChecked(path, Fast).Dispose();
        }
        catch (DatabaseDamagedException ex)
        {
            refusal = ex;
        }
        catch (Exception ex)
        {
            Assert.Fail($"{what}: the reader threw {ex.GetType().Name} instead of naming the damage: {ex.Message}");
        }

        if (refusal is null)
        {
            return null;
        }

        Assert.Equal(before, Hashes(dir));
        DatabaseDamagedException writer;
        try
        {
            writer = Assert.Throws<DatabaseDamagedException>(() => LiteDbScoreStore.Open(path, Fast).Dispose());
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            throw new Xunit.Sdk.XunitException($"{what}: the writer failed with {ex.GetType().Name}: {ex.Message}");
        }

        foreach (var ex in new[] { refusal, writer })
        {
            Assert.True(ex.Message.StartsWith($"database {path} is damaged: ", StringComparison.Ordinal), what + ": " + ex.Message);
            Assert.DoesNotContain('\n', ex.Message);
            Assert.Contains("--salvage", ex.Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, Hashes(dir));
        return writer;
    }

    private void AssertOriginal(LiteDbScoreStore store, string what)
    {
        var read = store.GetEvaluations(finished.ByKey.Keys);
        var missing = finished.All.Select((e, i) => (e, i)).Where(p => !read.ContainsKey(p.e.Key)).Select(p => p.i);
        Assert.True(read.Count == finished.All.Count, $"{what}: {read.Count} of {finished.All.Count} evaluations read (missing numbers {string.Join(", ", missing)})");
        Assert.All(read.Values, e => Assert.Equal(finished.ByKey[e.Key], e));
        Assert.Equal(finished.All, store.GetSearchEvaluations("a"));
    }

    private static Dictionary<string, string> Hashes(TempDirectory dir) =>
        dir.Snapshot().ToDictionary(p => p.Key, p => Convert.ToHexString(SHA256.HashData(p.Value)));

    /// <summary>The finished database every case damages a copy of: 600 evaluations in batches of 100, a reference, a model.</summary>
    public sealed class Finished : IDisposable
    {
        private readonly TempDirectory folder = new();

        public Finished()
        {
            All = [.. Enumerable.Range(0, 600).Select(i => Records.Evaluation(i, "a") with { DetailsJson = "{\"pad\":\"" + new string('x', 100 + (i % 50)) + "\"}" })];
            var path = folder.File("finished.db");
            using (var store = LiteDbScoreStore.Open(path, Fast))
            {
                store.BeginSearch("a", "{\"spec\":1}");
                foreach (var batch in All.Chunk(100))
                {
                    store.AddEvaluations(batch);
                }

                store.AddReference(Records.Reference("teacher", samples: 64, dims: 16));
                store.SaveModel(new ModelRecord { ContentHash = "h", Path = "p", CardJson = "{}", Updated = Records.Epoch });
                store.EndSearch("a", SearchStatus.Finished);
            }

            Bytes = File.ReadAllBytes(path);
            ByKey = All.ToDictionary(e => e.Key);
            Documents = All.ToDictionary(e => e.Key, e => BsonSerializer.Serialize(LiteDbDocuments.ToDocument(e)));
        }

        public IReadOnlyList<EvaluationRecord> All { get; }

        public IReadOnlyDictionary<string, EvaluationRecord> ByKey { get; }

        /// <summary>Each evaluation's document as LiteDB serialises it (whole in a file means its pages are intact).</summary>
        public IReadOnlyDictionary<string, byte[]> Documents { get; }

        public byte[] Bytes { get; }

        public void Dispose() => folder.Dispose();
    }
}
