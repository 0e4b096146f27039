using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation.Tests.Support;
using ScheduleSearch.Storage;
using ScheduleSearch.Storage.LiteDb;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Evaluation.Tests;

public sealed class ResumeTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "schedule-search-resume-" + Guid.NewGuid().ToString("N"));

    private static SamplerSchedule[] Candidates { get; } =
    [
        TestModels.Preset("ddim", 6), TestModels.Preset("unipc-bh2-3", 5), TestModels.Preset("dpm-solver++-2m", 5, "logsnr-uniform"),
        TestModels.Preset("dpm-solver++-3m", 7), TestModels.Preset("ddim", 4, "time-quadratic"),
    ];

    public ResumeTests() => Directory.CreateDirectory(directory);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Rerunning_after_an_interruption_recomputes_nothing_that_was_stored_and_gives_the_uninterrupted_scores()
    {
        var path = Path.Combine(directory, "scores.db");
        var request = new EvaluationRequest { SearchName = "resume", Generation = 1 };

        // Uninterrupted run, in memory.
        using var reference = new InMemoryScoreStore();
        reference.BeginSearch("resume", "{}");
        var expected = new ScheduleEvaluator(TestModels.Denoiser(), "model", TestModels.Spec(), reference, TestModels.Options)
            .Evaluate(Candidates, request);

        // First run: the teacher is computed, then the process is stopped during the third candidate.
        using (var cts = new CancellationTokenSource())
        using (var store = LiteDbScoreStore.Open(path))
        {
            store.BeginSearch("resume", "{}");
            var counting = new CountingDenoiser(TestModels.Denoiser());
            var cancelling = new CancellingDenoiser(counting, cts, afterCalls: Candidates[0].Nfe + Candidates[1].Nfe + 2);
            // Candidate order (prefix sharing would visit them in prefix-tree order), so that the first two finish.
            var evaluator = new ScheduleEvaluator(cancelling, "model", TestModels.Spec(), store, TestModels.Options with { PrefixCacheBytes = 0 });
            evaluator.Teacher();
            cancelling.Arm(counting.Calls);
            Assert.ThrowsAny<OperationCanceledException>(() => evaluator.Evaluate(Candidates, request, cts.Token));
            Assert.Equal(2, store.CountSearchEvaluations("resume"));
        }

        // Resumed run in a new store instance (as after a restart): teacher and the two finished scores come back.
        using (var store = LiteDbScoreStore.Open(path))
        {
            store.BeginSearch("resume", "{}");
            var counting = new CountingDenoiser(TestModels.Denoiser());
            var evaluator = new ScheduleEvaluator(counting, "model", TestModels.Spec(), store, TestModels.Options);
            var resumed = evaluator.Evaluate(Candidates, request);

            Assert.Equal(Candidates.Skip(2).Sum(c => c.Nfe), counting.Calls + evaluator.Counters.ModelCallsSaved);
            Assert.Equal(0, evaluator.Counters.TeacherModelCalls);
            Assert.Equal([true, true, false, false, false], resumed.Select(r => r.CacheHit));
            Assert.Equal(expected.Select(r => r.Score), resumed.Select(r => r.Score));
            Assert.Equal(expected.Select(r => r.Key), resumed.Select(r => r.Key));
            Assert.Equal(Candidates.Length, store.CountSearchEvaluations("resume"));

            // A third pass is all cache hits.
            var again = evaluator.Evaluate(Candidates, request);
            Assert.All(again, r => Assert.True(r.CacheHit));
            Assert.Equal(Candidates.Skip(2).Sum(c => c.Nfe), counting.Calls + evaluator.Counters.ModelCallsSaved);
            Assert.Equal(Candidates.Length, store.CountSearchEvaluations("resume"));
        }
    }
}
