using System.Collections.Immutable;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation.Cost;
using ScheduleSearch.Search.Running;
using ScheduleSearch.Search.Specs;
using ScheduleSearch.Search.Tests.Support;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Search.Tests.Running;

/// <summary>Issue 9's time-budget objective on an exact Gaussian mixture whose "small" variant costs a quarter of a call.</summary>
public sealed class CostObjectiveTests
{
    private const double Budget = 4.0;

    private static readonly ModelCallTimes Times = new()
    {
        MillisecondsPerSample = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create(ModelCallTimes.Primary, 1.0), KeyValuePair.Create("small", 0.25)]),
        Batch = 48,
        Device = "test",
    };

    private static SearchSpec Spec(string objective = """, "objective": { "kind": "time-budget", "time_per_sample_ms": 4 }""") => SearchSpec.Parse($$"""
        {
          "format": "schedule-search/search@1", "name": "cost", "model": "m/model.json", "nfe": [4, 6],
          "metric": { "kind": "teacher-rmse", "samples": 48 },
          "space": { "afs": false, "models": ["small"] }{{objective}},
          "strategy": { "kind": "default", "population": 10, "seed": 0 },
          "budget": { "evaluations": 90 },
          "baselines": ["dpm-solver++-2m", "unipc-bh2-2"],
          "baseline_spacings": ["logsnr-uniform", "time-quadratic"]
        }
        """, "cost.search.json", "/tmp");

    private static SearchResult Run(SearchSpec spec, IScoreStore store, Func<ModelCallTimes>? measure = null)
    {
        var evaluator = new ExactGmmEvaluator(store, variant: "small");
        return new SearchRun(spec, evaluator, store, evaluator.Noise, new SearchRunOptions { MeasureCallTimes = measure ?? (() => Times), SkipHeldOut = true }).Run();
    }

    [Fact]
    public void Over_budget_candidates_are_scored_but_never_become_best()
    {
        using var store = new InMemoryScoreStore();
        var result = Run(Spec(), store);
        foreach (var outcome in result.PerNfe)
        {
            Assert.NotNull(outcome.Best);
            Assert.True(Times.CostOf(outcome.Best.Schedule) <= Budget);
        }

        // At NFE 6 every baseline (primary only, 6 ms) is over the budget: scored, yet neither best nor best baseline.
        var six = result.PerNfe.Single(o => o.Nfe == 6);
        Assert.Null(six.BestBaseline);
        Assert.Contains("small", ModelCalls.PerModel(six.Best!.Schedule).Keys);
        Assert.Contains(store.GetSearchEvaluations("cost"), r => Times.CostOf(ScheduleJson.Read(r.ScheduleJson)) > Budget);

        // Under the score objective the same search may pick them.
        using var plainStore = new InMemoryScoreStore();
        var plain = Run(Spec(objective: string.Empty), plainStore);
        Assert.NotNull(plain.PerNfe.Single(o => o.Nfe == 6).BestBaseline);
    }

    [Fact]
    public void The_front_ascends_in_time_and_descends_in_score_and_the_times_are_stored_with_the_search()
    {
        using var store = new InMemoryScoreStore();
        var result = Run(Spec(), store);
        Assert.Equal(Times, result.CallTimes);
        Assert.Equal(Times, ModelCallTimesStore.Get(store, "cost"));
        Assert.True(result.TimeFront.Count >= 2);
        for (var i = 1; i < result.TimeFront.Count; i++)
        {
            Assert.True(result.TimeFront[i].MillisecondsPerSample >= result.TimeFront[i - 1].MillisecondsPerSample);
            Assert.True(result.TimeFront[i].Scored.Score < result.TimeFront[i - 1].Scored.Score);
        }

        Assert.All(result.TimeFront, t => Assert.Equal(Times.CostOf(t.Scored.Schedule), t.MillisecondsPerSample));
    }

    [Fact]
    public void A_rerun_uses_the_stored_times_and_the_same_spec_on_a_new_store_gives_the_same_search()
    {
        using var store = new InMemoryScoreStore();
        var first = Run(Spec(), store);
        var again = Run(Spec(), store, () => throw new InvalidOperationException("measured twice"));
        Assert.Equal(Times, again.CallTimes);

        using var other = new InMemoryScoreStore();
        var fresh = Run(Spec(), other);
        Assert.Equal(store.GetSearchEvaluations("cost").Select(r => r.Key), other.GetSearchEvaluations("cost").Select(r => r.Key));
        Assert.Equal(first.PerNfe.Select(o => o.Best!.Score), fresh.PerNfe.Select(o => o.Best!.Score));
    }

    [Fact]
    public void A_time_budget_without_measured_times_is_refused()
    {
        using var store = new InMemoryScoreStore();
        var evaluator = new ExactGmmEvaluator(store, variant: "small");
        var run = new SearchRun(Spec(), evaluator, store, evaluator.Noise, new SearchRunOptions { SkipHeldOut = true });
        var e = Assert.Throws<InvalidOperationException>(() => run.Run());
        Assert.Contains("MeasureCallTimes", e.Message, StringComparison.Ordinal);
    }
}
