using ScheduleSearch.Evaluation;
using ScheduleSearch.Search.Results;
using ScheduleSearch.Search.Running;
using ScheduleSearch.Search.Specs;
using ScheduleSearch.Search.Tests.Support;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Search.Tests.Running;

/// <summary>A search with racing on: deterministic, within its budget, resumable, validated on its own noise, read back alike.</summary>
public sealed class RacingSearchRunTests
{
    // The seeds ExactGmmEvaluator keys its scoring (1) and held-out (2) sets by: racing takes 3 and 4, validation 5.
    private static SearchSpec Spec(int budget = 120, int seed = 0, string kind = "default") => SearchSpec.Parse($$"""
        {
          "format": "schedule-search/search@1", "name": "racing", "model": "m/model.json", "nfe": [3, 5],
          "metric": { "kind": "teacher-rmse", "samples": 48, "seed": 1, "heldout": { "samples": 48, "seed": 2 } },
          "strategy": { "kind": "{{kind}}", "population": 10, "seed": {{seed}} },
          "budget": { "evaluations": {{budget}} },
          "racing": true,
          "baselines": ["ddim", "dpm-solver++-2m", "unipc-bh1-2", "dpm-solver-2s"],
          "baseline_spacings": ["time-uniform", "logsnr-uniform"]
        }
        """, "racing.search.json", "/tmp");

    private static (SearchResult Result, List<string> Sequence, ExactGmmEvaluator Evaluator) RunOnce(SearchSpec spec, InMemoryScoreStore? store = null)
    {
        store ??= new InMemoryScoreStore();
        var evaluator = new ExactGmmEvaluator(store);
        var result = new SearchRun(spec, evaluator, store, evaluator.Noise, new SearchRunOptions { Identity = ExactGmmEvaluator.Identity }).Run();
        return (result, store.GetSearchEvaluations(spec.Name).Select(r => r.Key).ToList(), evaluator);
    }

    [Fact]
    public void The_same_spec_and_seed_give_the_same_sequence_races_and_winners()
    {
        var a = RunOnce(Spec());
        var b = RunOnce(Spec());
        Assert.Equal(a.Sequence, b.Sequence);
        Assert.Equal(a.Evaluator.Computed, b.Evaluator.Computed);
        Assert.Equal(a.Result.PerNfe.Select(o => o.Best!.ScheduleKey), b.Result.PerNfe.Select(o => o.Best!.ScheduleKey));
        Assert.Equal(a.Result.RacingEvaluations, b.Result.RacingEvaluations);
    }

    [Fact]
    public void Racing_evaluations_are_charged_to_the_budget_and_run_on_the_racing_sets_only()
    {
        var (result, sequence, evaluator) = RunOnce(Spec());
        Assert.True(result.RacingEvaluations > 0);
        Assert.True(sequence.Count + result.RacingEvaluations <= 120, $"{sequence.Count} + {result.RacingEvaluations} evaluations for a budget of 120");
        Assert.Equal(result.RacingEvaluations, evaluator.Computed.Count(k => k.StartsWith("seed3:", StringComparison.Ordinal) || k.StartsWith("seed4:", StringComparison.Ordinal)));
        Assert.Equal(sequence.Count, evaluator.Computed.Count(k => k.StartsWith("main:", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_winner_per_nfe_is_chosen_on_a_validation_set_that_is_neither_scoring_held_out_nor_racing_noise()
    {
        var (result, _, evaluator) = RunOnce(Spec());
        var validated = evaluator.Computed.Where(k => k.StartsWith("seed5:", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(validated);
        foreach (var outcome in result.PerNfe)
        {
            Assert.NotNull(outcome.BestValidation);
            Assert.NotNull(outcome.BaselineValidation);
            Assert.True(outcome.BestValidation <= outcome.BaselineValidation, $"NFE {outcome.Nfe}: {outcome.BestValidation} vs {outcome.BaselineValidation}");
            Assert.InRange(outcome.Incumbents!.Value, 1, 1000);
            Assert.NotNull(outcome.BestHeldOut);
        }
    }

    [Fact]
    public void The_best_on_the_scoring_set_is_validated_beside_the_incumbents_even_when_it_lost_its_race()
    {
        // With this strategy and seed a challenger that was best on the scoring set lost its last race at some NFE.
        var spec = Spec(kind: "cma-evolutionary");
        var store = new InMemoryScoreStore();
        var (_, _, evaluator) = RunOnce(spec, store);
        var summary = SearchResults.Load(store, "racing", "memory", top: 1, CancellationToken.None)!;
        foreach (var read in summary.PerNfe)
        {
            var scoringBest = read.History.Where(e => !e.IsBaseline && double.IsFinite(e.Record.Score) && SpaceMembership.Contains(spec.Space, e.Schedule)).MinBy(e => e.Record.Score)!;
            var key = ExactGmmEvaluator.Identity.KeyOf(scoringBest.Schedule, new EvaluationRequest { Noise = spec.Racing!.Validation });
            Assert.Contains("seed5:" + key, evaluator.Computed);
        }
    }

    [Fact]
    public void Show_reads_back_the_winner_the_run_chose_with_its_validation_score()
    {
        var store = new InMemoryScoreStore();
        var (result, _, _) = RunOnce(Spec(), store);
        var summary = SearchResults.Load(store, "racing", "memory", top: 3, CancellationToken.None)!;
        foreach (var (outcome, read) in result.PerNfe.Zip(summary.PerNfe))
        {
            Assert.Equal(outcome.Best!.ScheduleKey, read.Best!.Record.ScheduleKey);
            Assert.Equal(outcome.BestValidation, read.Best.Validation);
            Assert.Equal(outcome.BestHeldOut, read.Best.HeldOut);
        }
    }

    [Fact]
    public void A_cancelled_racing_search_resumes_to_the_same_sequence_and_winners_without_recomputing()
    {
        var spec = Spec();
        var full = RunOnce(spec);
        var store = new InMemoryScoreStore();
        var first = new ExactGmmEvaluator(store);
        using var cts = new CancellationTokenSource();
        var run = new SearchRun(spec, first, store, first.Noise, new SearchRunOptions { Identity = ExactGmmEvaluator.Identity });
        run.Progress += (_, p) =>
        {
            if (p.Evaluations >= 60)
            {
                cts.Cancel();
            }
        };
        Assert.Equal(SearchStatus.Interrupted, run.Run(cts.Token).Status);

        var second = new ExactGmmEvaluator(store);
        var resumed = new SearchRun(spec, second, store, second.Noise, new SearchRunOptions { Identity = ExactGmmEvaluator.Identity }).Run();
        Assert.Equal(full.Sequence, store.GetSearchEvaluations(spec.Name).Select(r => r.Key).ToList());
        Assert.Empty(second.Computed.Intersect(first.Computed));
        Assert.Equal(full.Result.RacingEvaluations, resumed.RacingEvaluations);
        Assert.Equal(full.Result.PerNfe.Select(o => o.Best!.ScheduleKey), resumed.PerNfe.Select(o => o.Best!.ScheduleKey));
    }
}
