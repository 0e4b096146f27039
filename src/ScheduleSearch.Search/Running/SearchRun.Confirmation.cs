using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Evaluation.NoiseSets;
using ScheduleSearch.Search.Specs;

namespace ScheduleSearch.Search.Running;

// The end of a run: racing's budget and validation of the winners, then the held-out re-scores of the headline.
public sealed partial class SearchRun
{
    /// <summary>Evaluations charged to the budget: the history's and the racing sets' (validation, like held-out, is not charged).</summary>
    private int Spent => used + states.Values.Sum(s => s.Race?.Evaluations ?? 0);

    /// <summary>Scores <paramref name="schedules"/> on racing set <paramref name="set"/> (outside the history: like held-out scores, found again by key).</summary>
    private IReadOnlyList<ScoredSchedule> ScoreOnRacingSet(IReadOnlyList<SamplerSchedule> schedules, NoiseSpec set) =>
        evaluator.Evaluate(schedules, new EvaluationRequest { Noise = set }, running);

    /// <summary>The best baseline the objective allows at <paramref name="state"/>'s NFE (by scoring value, the first of equals), or null.</summary>
    private ScoredSchedule? BestBaseline(NfeState state) =>
        state.Baselines.Where(b => double.IsFinite(b.Score) && cost.Allows(b)).OrderBy(b => b.Score).FirstOrDefault();

    /// <summary>
    /// Scores each NFE's incumbents, its best on the scoring set (a challenger that lost its last race on one
    /// racing set can still win on the larger validation set) and its best baseline on the racing spec's validation
    /// set (neither the scoring, the held-out nor a racing set) and makes the <see cref="RaceWinner"/> among them the
    /// NFE's best: a baseline when none beat it there. Returns the validation scores by schedule key.
    /// </summary>
    private Dictionary<string, double> Validate(RacingSpec racing, CancellationToken cancellationToken)
    {
        var pools = new Dictionary<int, List<ScoredSchedule>>();
        foreach (var nfe in spec.Nfe.Where(states.ContainsKey))
        {
            var state = states[nfe];
            var pool = state.Race!.Incumbents.ToList();
            if (state.ScoringBest is { } scoringBest)
            {
                pool.Add(scoringBest);
            }
            if (BestBaseline(state) is { } baseline)
            {
                pool.Add(baseline);
            }

            pools[nfe] = [.. pool.DistinctBy(p => p.ScheduleKey)];
        }

        var candidates = pools.Values.SelectMany(p => p).DistinctBy(p => p.ScheduleKey).ToArray();
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        if (candidates.Length == 0)
        {
            return scores;
        }

        var results = evaluator.Evaluate([.. candidates.Select(c => c.Schedule)], new EvaluationRequest { Noise = racing.Validation }, cancellationToken);
        for (var i = 0; i < results.Count; i++)
        {
            scores[candidates[i].ScheduleKey] = results[i].Score;
        }

        foreach (var (nfe, pool) in pools)
        {
            var winner = RaceWinner.Choose([.. pool.Select(p => (p.Score, scores.GetValueOrDefault(p.ScheduleKey, double.NaN), p.ScheduleKey))]);
            if (winner >= 0)
            {
                states[nfe].Confirm(pool[winner]);
            }
        }

        Report("validation", 0, null, null, null);
        return scores;
    }

    private Dictionary<string, double> HeldOut(CancellationToken cancellationToken)
    {
        var candidates = new List<SamplerSchedule>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var nfe in spec.Nfe)
        {
            var state = states[nfe];
            var pick = state.Baselines.Where(b => double.IsFinite(b.Score) && cost.Allows(b)).OrderBy(b => b.Score).Take(options.HeldOutBaselines).ToList();
            if (state.Best is { } best)
            {
                pick.Insert(0, best);
            }

            foreach (var p in pick.Where(p => keys.Add(p.ScheduleKey)))
            {
                candidates.Add(p.Schedule);
            }
        }

        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        if (candidates.Count == 0)
        {
            return scores;
        }

        var results = evaluator.Evaluate(candidates, new EvaluationRequest { HeldOut = true }, cancellationToken);
        for (var i = 0; i < results.Count; i++)
        {
            scores[ScheduleKey.Compute(candidates[i])] = results[i].Score;
        }

        Report("held-out", 0, null, null, null);
        return scores;
    }
}
