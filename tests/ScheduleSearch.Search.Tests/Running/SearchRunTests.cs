using ScheduleSearch.Search.Running;
using ScheduleSearch.Search.Specs;
using ScheduleSearch.Search.Tests.Support;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Search.Tests.Running;

public sealed class SearchRunTests
{
    private const string WideSpace = """, "space": { "time_shift": 0.05, "compensation": true, "momentum": 0.4, "teleport": true, "afs": true }""";

    private static SearchSpec Spec(string strategy = "default", int budget = 120, int seed = 0, string space = "") => SearchSpec.Parse($$"""
        {
          "format": "schedule-search/search@1", "name": "test", "model": "m/model.json", "nfe": [3, 5],
          "metric": { "kind": "teacher-rmse", "samples": 48 }{{space}},
          "strategy": { "kind": "{{strategy}}", "population": 10, "seed": {{seed}} },
          "budget": { "evaluations": {{budget}} },
          "baselines": ["ddim", "dpm-solver++-2m", "unipc-bh1-2", "dpm-solver-2s"],
          "baseline_spacings": ["time-uniform", "logsnr-uniform"]
        }
        """, "test.search.json", "/tmp");

    private static (SearchResult Result, List<string> Sequence, ExactGmmEvaluator Evaluator) RunOnce(SearchSpec spec, InMemoryScoreStore? store = null)
    {
        store ??= new InMemoryScoreStore();
        var evaluator = new ExactGmmEvaluator(store);
        var run = new SearchRun(spec, evaluator, store, evaluator.Noise);
        var result = run.Run();
        return (result, store.GetSearchEvaluations(spec.Name).Select(r => r.Key).ToList(), evaluator);
    }

    /// <summary>Runs <paramref name="spec"/> into <paramref name="store"/> and cancels it once it has <paramref name="evaluations"/> evaluations.</summary>
    private static (SearchResult Result, ExactGmmEvaluator Evaluator) RunUntil(SearchSpec spec, InMemoryScoreStore store, int evaluations)
    {
        var evaluator = new ExactGmmEvaluator(store);
        using var cts = new CancellationTokenSource();
        var run = new SearchRun(spec, evaluator, store, evaluator.Noise);
        run.Progress += (_, p) =>
        {
            if (p.Evaluations >= evaluations)
            {
                cts.Cancel();
            }
        };
        return (run.Run(cts.Token), evaluator);
    }

    [Theory]
    [InlineData("default")]
    [InlineData("evolutionary")]
    [InlineData("predictor-guided")]
    public void The_same_spec_and_seed_give_the_same_evaluation_sequence_and_bests(string strategy)
    {
        var a = RunOnce(Spec(strategy));
        var b = RunOnce(Spec(strategy));
        Assert.Equal(a.Sequence, b.Sequence);
        Assert.Equal(a.Result.PerNfe.Select(o => o.Best!.ScheduleKey), b.Result.PerNfe.Select(o => o.Best!.ScheduleKey));
        Assert.Equal(a.Result.PerNfe.Select(o => o.Best!.Score), b.Result.PerNfe.Select(o => o.Best!.Score));
    }

    [Theory]
    [InlineData("default")]
    [InlineData("evolutionary")]
    public void With_the_wide_space_the_same_spec_and_seed_give_the_same_sequence_and_the_wide_decisions_are_scored(string strategy)
    {
        var a = RunOnce(Spec(strategy, budget: 200, space: WideSpace));
        var b = RunOnce(Spec(strategy, budget: 200, space: WideSpace));
        Assert.Equal(a.Sequence, b.Sequence);
        Assert.Equal(a.Result.PerNfe.Select(o => o.Best!.ScheduleKey), b.Result.PerNfe.Select(o => o.Best!.ScheduleKey));
        Assert.Equal(a.Result.PerNfe.Select(o => o.Best!.Score), b.Result.PerNfe.Select(o => o.Best!.Score));
        Assert.NotEqual(RunOnce(Spec(strategy, budget: 200)).Sequence, a.Sequence);
    }

    [Fact]
    public void Another_seed_gives_another_evaluation_sequence()
    {
        var a = RunOnce(Spec(seed: 0));
        var b = RunOnce(Spec(seed: 1));
        Assert.NotEqual(a.Sequence, b.Sequence);
    }

    [Theory]
    [InlineData("default", 120)]
    [InlineData("random", 37)]
    [InlineData("refine", 90)]
    [InlineData("cma-timesteps", 5)]
    public void The_budget_is_never_exceeded(string strategy, int budget)
    {
        var (result, sequence, evaluator) = RunOnce(Spec(strategy, budget));
        Assert.True(sequence.Count <= budget, $"{sequence.Count} evaluations for a budget of {budget}");
        Assert.Equal(sequence.Count, result.Evaluations);
        Assert.Equal(evaluator.Computed.Count(k => k.StartsWith("main:", StringComparison.Ordinal)), sequence.Count);
    }

    [Fact]
    public void Baselines_come_first_and_the_search_beats_the_best_baseline()
    {
        var (result, sequence, _) = RunOnce(Spec());
        Assert.Equal(120, sequence.Count);
        Assert.Equal("evaluations", result.StopReason);
        Assert.Equal(SearchStatus.Finished, result.Status);
        foreach (var outcome in result.PerNfe)
        {
            Assert.NotNull(outcome.BestBaseline);
            Assert.True(outcome.Best!.Score < outcome.BestBaseline!.Score, $"NFE {outcome.Nfe}: {outcome.Best.Score} vs {outcome.BestBaseline.Score}");
            Assert.NotNull(outcome.BestHeldOut);
            Assert.NotNull(outcome.BaselineHeldOut);
        }

        Assert.NotEmpty(result.ParetoFront);
    }

    [Fact]
    public void A_cancelled_search_is_interrupted_and_resuming_continues_without_recomputing()
    {
        var spec = Spec();
        var full = RunOnce(spec);

        var store = new InMemoryScoreStore();
        var (stopped, first) = RunUntil(spec, store, 70);
        Assert.Equal(SearchStatus.Interrupted, stopped.Status);
        Assert.Equal(SearchStatus.Interrupted, store.GetSearch(spec.Name)!.Status);
        var before = store.CountSearchEvaluations(spec.Name);
        Assert.InRange(before, 70, 119);

        var second = new ExactGmmEvaluator(store);
        var resumed = new SearchRun(spec, second, store, second.Noise).Run();
        var sequence = store.GetSearchEvaluations(spec.Name).Select(r => r.Key).ToList();
        Assert.Equal(full.Sequence, sequence);
        Assert.Empty(second.Computed.Intersect(first.Computed));
        Assert.Equal(120 - before, second.Computed.Count(k => k.StartsWith("main:", StringComparison.Ordinal)));
        Assert.Equal(full.Result.PerNfe.Select(o => o.Best!.ScheduleKey), resumed.PerNfe.Select(o => o.Best!.ScheduleKey));
    }

    [Fact]
    public void A_resumed_search_whose_history_grows_while_it_starts_still_spends_exactly_its_budget()
    {
        // A shared search's proposer resuming while a worker stores an evaluation it claimed before: the evaluation
        // lands between the run's read of the history and anything it reads after.
        var spec = Spec();
        var fullStore = new InMemoryScoreStore();
        var full = RunOnce(spec, fullStore);
        var store = new InMemoryScoreStore();
        RunUntil(spec, store, 70);
        var before = store.CountSearchEvaluations(spec.Name);
        var late = fullStore.GetEvaluation(full.Sequence[before])!;

        var second = new ExactGmmEvaluator(store);
        var racy = StoreThatGrowsAfterListing.Wrap(store, () => store.AddEvaluations([late]));
        new SearchRun(spec, second, racy, second.Noise).Run();

        Assert.Equal(120, store.CountSearchEvaluations(spec.Name));
        Assert.Equal(full.Sequence.Order(StringComparer.Ordinal), store.GetSearchEvaluations(spec.Name).Select(r => r.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Running_a_finished_search_again_computes_nothing_new()
    {
        var store = new InMemoryScoreStore();
        var (first, _, _) = RunOnce(Spec(), store);
        var again = new ExactGmmEvaluator(store);
        var second = new SearchRun(Spec(), again, store, again.Noise).Run();
        Assert.Empty(again.Computed);
        Assert.Equal(first.Evaluations, second.Evaluations);
    }

    [Fact]
    public void Progress_reports_every_phase_and_the_best_per_nfe()
    {
        var store = new InMemoryScoreStore();
        var evaluator = new ExactGmmEvaluator(store);
        var run = new SearchRun(Spec(), evaluator, store, evaluator.Noise);
        var reports = new List<SearchProgress>();
        run.Progress += (_, p) => reports.Add(p);
        run.Run();
        Assert.Equal("baselines", reports[0].Phase);
        Assert.Contains(reports, r => r.Phase == "search" && r.Generator is not null);
        Assert.Equal("held-out", reports[^1].Phase);
        Assert.Equal([3, 5], reports[^1].Best.Select(b => b.Nfe));
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.Second.Evaluations >= p.First.Evaluations));
    }
}
