using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Search.Running;
using ScheduleSearch.Search.Specs;
using ScheduleSearch.Search.Tests.Support;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Search.Tests.Running;

/// <summary>A running search keeps its heartbeat while one long computation (a teacher, a batch on a large model) runs.</summary>
public sealed class SearchHeartbeatTests
{
    private static SearchSpec Spec() => SearchSpec.Parse("""
        {
          "format": "schedule-search/search@1", "name": "beating", "model": "m/model.json", "nfe": [3],
          "metric": { "kind": "teacher-rmse", "samples": 48 },
          "strategy": { "kind": "default", "population": 6, "seed": 0 },
          "budget": { "evaluations": 12 },
          "baselines": ["ddim"], "baseline_spacings": ["time-uniform"]
        }
        """, "beating.search.json", "/tmp");

    [Fact]
    public void The_heartbeat_goes_on_during_a_batch_longer_than_the_store_timeout_and_stops_with_the_search()
    {
        var store = new InMemoryScoreStore(new ScoreStoreOptions { HeartbeatTimeout = TimeSpan.FromMilliseconds(1500) });
        var exact = new ExactGmmEvaluator(store);
        var statuses = new List<SearchStatus>();
        var slow = new FirstBatchWatched(exact, () =>
        {
            // The first batch lasts three store timeouts; the search reads as running throughout.
            for (var i = 0; i < 45; i++)
            {
                Thread.Sleep(100);
                statuses.Add(store.GetSearch("beating")!.Status);
            }
        });

        var result = new SearchRun(Spec(), slow, store, exact.Noise, new SearchRunOptions { SkipHeldOut = true, HeartbeatInterval = TimeSpan.FromMilliseconds(50) }).Run();

        Assert.Equal(SearchStatus.Finished, result.Status);
        Assert.True(statuses.All(s => s == SearchStatus.Running), string.Join(" ", statuses));
        var ended = store.GetSearch("beating")!;
        Thread.Sleep(200);
        Assert.Equal(ended.Heartbeat, store.GetSearch("beating")!.Heartbeat);
        Assert.Equal(SearchStatus.Finished, store.GetSearch("beating")!.Status);
    }

    private sealed class FirstBatchWatched(IScheduleEvaluator inner, Action during) : IScheduleEvaluator
    {
        private Action? first = during;

        public string Metric => inner.Metric;

        public IReadOnlyList<ScoredSchedule> Evaluate(IReadOnlyList<SamplerSchedule> candidates, EvaluationRequest request, CancellationToken cancellationToken = default)
        {
            Interlocked.Exchange(ref first, null)?.Invoke();
            return inner.Evaluate(candidates, request, cancellationToken);
        }
    }
}
