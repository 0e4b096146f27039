using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Search.Running;
using ScheduleSearch.Search.Specs;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Search.Tests.Running;

public sealed class LanedEvaluatorTests
{
    private static readonly NoiseSchedule Noise = VpDiscreteSchedule.Linear();

    private static readonly MetricSpec Metric = new()
    {
        Kind = "teacher-rmse",
        Samples = 40,
        Seed = 0,
        HeldOutSamples = 40,
        HeldOutSeed = 1,
        Teacher = new TeacherSpec { Nfe = 40 },
    };

    private static SearchSpec Spec(string strategy) => SearchSpec.Parse($$"""
        {
          "format": "schedule-search/search@1", "name": "lanes", "model": "m/model.json", "nfe": [4],
          "metric": { "kind": "teacher-rmse", "samples": 40, "heldout": { "samples": 40, "seed": 1 }, "teacher": { "nfe": 40 } },
          "strategy": { "kind": "{{strategy}}", "population": 12, "seed": 3 },
          "budget": { "evaluations": 90 },
          "baselines": ["ddim", "dpm-solver++-2m", "unipc-bh1-2"],
          "baseline_spacings": ["time-uniform", "logsnr-uniform"]
        }
        """, "lanes.search.json", "/tmp");

    private static GaussianMixtureDenoiser Model()
    {
        var mixture = new GaussianMixture(
            [0.3, 0.7],
            [[1.0, -0.5, 0.25, 2.0], [-1.5, 0.5, 1.0, -0.75]],
            [[0.1, 0.2, 0.05, 0.3], [0.25, 0.1, 0.2, 0.15]]);
        return new GaussianMixtureDenoiser(mixture, Noise);
    }

    private static (SearchResult Result, Dictionary<string, double> Scores, IReadOnlyList<int> PerLane) Search(string strategy, int lanes)
    {
        var store = new InMemoryScoreStore();
        var evaluators = Enumerable.Range(0, lanes).Select(_ => (IScheduleEvaluator)new ScheduleEvaluator(Model(), "gmm-lanes", Metric, store)).ToArray();
        var laned = new LanedEvaluator(evaluators);
        var result = new SearchRun(Spec(strategy), laned, store, Noise).Run();
        var scores = store.GetSearchEvaluations("lanes").ToDictionary(r => r.Key, r => r.Score, StringComparer.Ordinal);
        return (result, scores, laned.Evaluated);
    }

    [Theory]
    [InlineData("default")]
    [InlineData("evolutionary")]
    public void Three_lanes_evaluate_the_same_candidates_to_the_same_scores_and_winners_as_one(string strategy)
    {
        var one = Search(strategy, 1);
        var three = Search(strategy, 3);
        Assert.Equal(90, one.Scores.Count);
        Assert.Equal(one.Scores.OrderBy(p => p.Key, StringComparer.Ordinal), three.Scores.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(one.Result.PerNfe.Select(o => o.Best!.ScheduleKey), three.Result.PerNfe.Select(o => o.Best!.ScheduleKey));
        Assert.Equal(one.Result.PerNfe.Select(o => o.BestHeldOut), three.Result.PerNfe.Select(o => o.BestHeldOut));
        Assert.Equal(one.PerLane.Sum(), three.PerLane.Sum());
    }

    [Fact]
    public void Lanes_asking_for_the_same_teacher_at_once_compute_it_once()
    {
        var alone = Model();
        new ScheduleEvaluator(alone, "gmm-lanes", Metric, new InMemoryScoreStore()).Teacher();
        var store = new InMemoryScoreStore();
        var models = Enumerable.Range(0, 4).Select(_ => Model()).ToArray();
        var evaluators = models.Select(m => new ScheduleEvaluator(m, "gmm-lanes", Metric, store)).ToArray();
        using var start = new Barrier(evaluators.Length);
        Parallel.ForEach(evaluators, new ParallelOptions { MaxDegreeOfParallelism = evaluators.Length }, e =>
        {
            start.SignalAndWait();
            e.Teacher();
        });
        Assert.True(alone.Calls > 0);
        Assert.Equal(alone.Calls, models.Sum(m => m.Calls));
    }

    [Fact]
    public void While_one_lane_is_busy_the_others_take_the_next_chunks_and_results_keep_the_batch_order()
    {
        using var allBusy = new Barrier(3);
        var lanes = Enumerable.Range(0, 3).Select(_ => new RecordingEvaluator(allBusy)).ToArray();
        var laned = new LanedEvaluator(lanes, chunksPerLane: 1);
        var batch = Enumerable.Range(2, 6).Select(n => Core.Presets.PresetCatalog.Create("ddim", Noise, n)).ToArray();
        var results = laned.Evaluate(batch, new EvaluationRequest());
        Assert.Equal(batch, results.Select(r => r.Schedule));
        Assert.All(lanes, l => Assert.Equal(2, l.Seen.Count));
        Assert.Equal(batch, lanes.SelectMany(l => l.Seen).OrderBy(s => s.Steps.Length));
        Assert.Equal([2, 2, 2], laned.Evaluated);
    }

    [Fact]
    public void A_failing_lane_fails_the_batch_with_its_own_error()
    {
        // Both lanes hold a chunk before either finishes, so the failing lane always gets one.
        using var bothBusy = new Barrier(2);
        var laned = new LanedEvaluator([new RecordingEvaluator(bothBusy), new FailingEvaluator(bothBusy)], chunksPerLane: 1);
        var batch = Enumerable.Range(0, 4).Select(_ => Core.Presets.PresetCatalog.Create("ddim", Noise, 4)).ToArray();
        var error = Assert.Throws<InvalidOperationException>(() => laned.Evaluate(batch, new EvaluationRequest()));
        Assert.Equal("lane down", error.Message);
    }

    [Fact]
    public void Lanes_must_score_the_same_metric()
    {
        var store = new InMemoryScoreStore();
        var rmse = new ScheduleEvaluator(Model(), "gmm-lanes", Metric, store);
        var relative = new ScheduleEvaluator(Model(), "gmm-lanes", Metric with { Kind = "teacher-relative" }, store);
        var error = Assert.Throws<ArgumentException>(() => new LanedEvaluator([rmse, relative]));
        Assert.Contains("same metric", error.Message, StringComparison.Ordinal);
    }

    private sealed class RecordingEvaluator(Barrier allBusy) : IScheduleEvaluator
    {
        public string Metric => "teacher-rmse";

        public List<SamplerSchedule> Seen { get; } = [];

        public IReadOnlyList<ScoredSchedule> Evaluate(IReadOnlyList<SamplerSchedule> candidates, EvaluationRequest request, CancellationToken cancellationToken = default)
        {
            // No lane finishes its chunk before every lane holds one.
            Assert.True(allBusy.SignalAndWait(TimeSpan.FromSeconds(30)), "every lane took a chunk");
            Seen.AddRange(candidates);
            return candidates.Select(c => new ScoredSchedule { Schedule = c, Key = "k", ScheduleKey = "s", Nfe = c.Steps.Length, Score = c.Steps.Length, Fidelity = 1, Status = EvaluationStatus.Ok }).ToArray();
        }
    }

    private sealed class FailingEvaluator(Barrier allBusy) : IScheduleEvaluator
    {
        public string Metric => "teacher-rmse";

        public IReadOnlyList<ScoredSchedule> Evaluate(IReadOnlyList<SamplerSchedule> candidates, EvaluationRequest request, CancellationToken cancellationToken = default)
        {
            Assert.True(allBusy.SignalAndWait(TimeSpan.FromSeconds(30)), "every lane took a chunk");
            throw new InvalidOperationException("lane down");
        }
    }
}
