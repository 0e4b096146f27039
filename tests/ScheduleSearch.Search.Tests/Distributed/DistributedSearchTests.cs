using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Search.Distributed;
using ScheduleSearch.Search.Running;
using ScheduleSearch.Search.Specs;
using ScheduleSearch.Search.Tests.Support;
using ScheduleSearch.Storage;
using ScheduleSearch.Storage.Postgres;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Search.Tests.Distributed;

/// <summary>Several workers on one search through the PostgreSQL claim queue.</summary>
public sealed class DistributedSearchTests : IDisposable
{
    private static readonly DistributedOptions Fast = new() { PollInterval = TimeSpan.FromMilliseconds(10), IdleExit = TimeSpan.FromSeconds(5) };
    private readonly PostgresTestServer schema = new();

    private static SearchSpec Spec(int budget) => SearchSpec.Parse($$"""
        {
          "format": "schedule-search/search@1", "name": "shared", "model": "m/model.json", "nfe": [3, 5],
          "metric": { "kind": "teacher-rmse", "samples": 48 },
          "strategy": { "kind": "evolutionary", "population": 8, "seed": 3 },
          "budget": { "evaluations": {{budget}} },
          "baselines": ["ddim", "dpm-solver++-2m", "unipc-bh1-2"],
          "baseline_spacings": ["time-uniform", "logsnr-uniform"]
        }
        """, "shared.search.json", "/tmp");

    private static string KeyOf(SamplerSchedule schedule, EvaluationRequest request) => ExactGmmEvaluator.Identity.KeyOf(schedule, request);

    [Fact]
    public async Task Two_workers_and_the_proposer_never_evaluate_a_key_twice_never_exceed_the_budget_and_match_a_single_process_run()
    {
        var spec = Spec(budget: 60);
        var single = new InMemoryScoreStore();
        var singleEvaluator = new ExactGmmEvaluator(single);
        var expected = new SearchRun(spec, singleEvaluator, single, singleEvaluator.Noise, new SearchRunOptions { SkipHeldOut = true }).Run();

        using var store = PostgresScoreStore.Open(schema.Location);
        var proposerEvaluator = new ExactGmmEvaluator(store);
        // The proposer only proposes here, so the workers' share of the work does not depend on timing.
        var queued = new QueuedEvaluator(proposerEvaluator, store, store, ExactGmmEvaluator.Identity, spec.Budget.Evaluations, Fast with { ProposerEvaluates = false });
        var run = new SearchRun(spec, queued, store, proposerEvaluator.Noise, new SearchRunOptions { SkipHeldOut = true });
        store.BeginSearch(spec.Name, spec.SourceJson);
        var workerEvaluators = new[] { new ExactGmmEvaluator(store), new ExactGmmEvaluator(store) };
        var workers = workerEvaluators.Select(e => Task.Run(() => new SearchWorker(e, store, store, spec.Name, ExactGmmEvaluator.Identity, Fast).Run())).ToArray();
        var result = run.Run();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60));

        var computed = workerEvaluators.SelectMany(e => e.Computed).Concat(proposerEvaluator.Computed).ToList();
        Assert.Equal(computed.Count, computed.Distinct().Count());
        Assert.Equal(60, store.CountSearchEvaluations(spec.Name));
        Assert.Equal(60, computed.Count);
        Assert.All(workers, w => Assert.Equal("finished", w.Result.Reason));
        Assert.True(workers.Sum(w => w.Result.Evaluated) > 0, "the workers did part of the work");
        Assert.Equal(single.GetSearchEvaluations(spec.Name).Select(r => r.Key).Order(StringComparer.Ordinal), store.GetSearchEvaluations(spec.Name).Select(r => r.Key).Order(StringComparer.Ordinal));
        Assert.Equal(expected.PerNfe.Select(n => n.Best?.Score), result.PerNfe.Select(n => n.Best?.Score));
    }

    [Fact]
    public void A_dead_workers_claim_is_re_done_by_another_worker_after_the_grace_period()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero));
        using var store = PostgresScoreStore.Open(schema.Location, new ScoreStoreOptions { Clock = clock });
        var evaluator = new ExactGmmEvaluator(store);
        var noise = evaluator.Noise;
        var schedules = new[] { "ddim", "dpm-solver++-2m", "unipc-bh1-2" }
            .Select(p => Core.Presets.PresetCatalog.Create(p, noise, 5, Core.Spacings.Spacing.LogSnrUniform)).ToArray();
        store.BeginSearch("shared", "{}");
        var request = new EvaluationRequest { SearchName = "shared", Generation = 1 };
        store.Enqueue("shared", [.. schedules.Select(s => new QueuedCandidate(KeyOf(s, request), ScheduleJson.Write(s, indented: false), 1))], budget: 3);
        Assert.Single(store.Claim("shared", "a worker that dies", 1, Fast.Grace));

        var worker = new SearchWorker(evaluator, store, store, "shared", ExactGmmEvaluator.Identity, Fast);
        Assert.True(worker.TryWorkOnce());
        Assert.True(worker.TryWorkOnce());
        Assert.False(worker.TryWorkOnce());
        clock.Advance(Fast.Grace + TimeSpan.FromSeconds(1));
        Assert.True(worker.TryWorkOnce());
        Assert.Equal((3, 1), (worker.Evaluated, worker.Retaken));
        Assert.Equal(3, store.CountSearchEvaluations("shared"));
        Assert.Equal(new QueueCounts(0, 0, 3), store.CountClaims("shared"));
    }

    public void Dispose() => schema.Dispose();
}
