using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Spacings;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Evaluation.NoiseSets;
using ScheduleSearch.Search.Running;
using ScheduleSearch.Search.Specs;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Search.Tests.Running;

/// <summary>The racing logic alone, on scripted racing-set scores: who becomes the incumbent, on how many sets, at what cost.</summary>
public sealed class RaceTests
{
    private static readonly NoiseSchedule Noise = VpDiscreteSchedule.Linear();
    private static readonly SamplerSchedule Incumbent = PresetCatalog.Create("ddim", Noise, 5, Spacing.TimeUniform);
    private static readonly SamplerSchedule Challenger = PresetCatalog.Create("dpm-solver++-2m", Noise, 5, Spacing.TimeUniform);
    private static readonly RacingSpec Spec = new() { Seeds = [2, 3], Samples = 16, ValidationSeed = 4, ValidationSamples = 16, Confidence = 2.0 };

    /// <summary>A scorer answering from (schedule name, seed) -> (score, standard error), logging every request.</summary>
    private static Func<IReadOnlyList<SamplerSchedule>, NoiseSpec, IReadOnlyList<ScoredSchedule>> Scripted(
        Dictionary<(string, int), (double Score, double Se)> scores, List<string> log) => (schedules, set) =>
        {
            Assert.Equal(Spec.Samples, set.Samples);
            return [.. schedules.Select(s =>
            {
                log.Add($"{s.Name}@{set.Seed}");
                var (score, se) = scores[(s.Name, set.Seed)];
                return Scored(s, score, se);
            })];
        };

    private static ScoredSchedule Scored(SamplerSchedule s, double score, double se = 0.001) => new()
    {
        Schedule = s,
        Key = ScheduleKey.Compute(s) + "@racing",
        ScheduleKey = ScheduleKey.Compute(s),
        Nfe = s.Nfe,
        Score = score,
        Fidelity = 16,
        Status = double.IsFinite(score) ? EvaluationStatus.Ok : EvaluationStatus.Diverged,
        DetailsJson = System.FormattableString.Invariant($"{{\"rmse_se\":{se}}}"),
    };

    private static (Race Race, List<string> Log) Started(Dictionary<(string, int), (double, double)> scores)
    {
        var log = new List<string>();
        var race = new Race(Spec, "teacher-rmse", Scripted(scores, log));
        Assert.True(race.Challenge(Scored(Incumbent, 0.5)));
        Assert.Empty(log);
        return (race, log);
    }

    [Fact]
    public void The_first_candidate_becomes_the_incumbent_without_a_race()
    {
        var (race, _) = Started([]);
        Assert.Equal(ScheduleKey.Compute(Incumbent), race.Incumbent!.ScheduleKey);
        Assert.Equal(0, race.Evaluations);
    }

    [Fact]
    public void A_challenger_behind_on_the_first_racing_set_loses_and_the_incumbent_stays()
    {
        var (race, log) = Started(new() { [(Incumbent.Name, 2)] = (0.30, 0.01), [(Challenger.Name, 2)] = (0.31, 0.01) });
        Assert.False(race.Challenge(Scored(Challenger, 0.4)));
        Assert.Equal(ScheduleKey.Compute(Incumbent), race.Incumbent!.ScheduleKey);
        Assert.Single(race.Incumbents);
        Assert.Equal([$"{Incumbent.Name}@2", $"{Challenger.Name}@2"], log);
        Assert.Equal(2, race.Evaluations);
    }

    [Fact]
    public void A_clear_lead_on_the_first_racing_set_wins_without_the_second()
    {
        var (race, log) = Started(new() { [(Incumbent.Name, 2)] = (0.30, 0.01), [(Challenger.Name, 2)] = (0.20, 0.01) });
        Assert.True(race.Challenge(Scored(Challenger, 0.4)));
        Assert.Equal(ScheduleKey.Compute(Challenger), race.Incumbent!.ScheduleKey);
        Assert.Equal(2, race.Incumbents.Count);
        Assert.DoesNotContain(log, l => l.EndsWith("@3", StringComparison.Ordinal));
    }

    [Fact]
    public void An_uncertain_lead_is_raced_on_the_next_set_and_loses_when_the_pooled_lead_is_gone()
    {
        var (race, log) = Started(new()
        {
            [(Incumbent.Name, 2)] = (0.30, 0.05), [(Challenger.Name, 2)] = (0.29, 0.05),
            [(Incumbent.Name, 3)] = (0.30, 0.05), [(Challenger.Name, 3)] = (0.32, 0.05),
        });
        Assert.False(race.Challenge(Scored(Challenger, 0.4)));
        Assert.Contains($"{Challenger.Name}@3", log);
        Assert.Equal(ScheduleKey.Compute(Incumbent), race.Incumbent!.ScheduleKey);
        Assert.Equal(4, race.Evaluations);
    }

    [Fact]
    public void An_uncertain_lead_that_holds_over_every_racing_set_wins()
    {
        var (race, _) = Started(new()
        {
            [(Incumbent.Name, 2)] = (0.30, 0.05), [(Challenger.Name, 2)] = (0.29, 0.05),
            [(Incumbent.Name, 3)] = (0.30, 0.05), [(Challenger.Name, 3)] = (0.295, 0.05),
        });
        Assert.True(race.Challenge(Scored(Challenger, 0.4)));
        Assert.Equal(ScheduleKey.Compute(Challenger), race.Incumbent!.ScheduleKey);
    }

    [Fact]
    public void A_challenger_that_diverges_on_a_racing_set_loses()
    {
        var (race, _) = Started(new() { [(Incumbent.Name, 2)] = (0.30, 0.01), [(Challenger.Name, 2)] = (double.PositiveInfinity, 0.01) });
        Assert.False(race.Challenge(Scored(Challenger, 0.1)));
        Assert.Equal(ScheduleKey.Compute(Incumbent), race.Incumbent!.ScheduleKey);
    }

    [Fact]
    public void Each_schedule_is_scored_once_per_racing_set_and_the_same_scores_give_the_same_decisions()
    {
        var scores = new Dictionary<(string, int), (double, double)>
        {
            [(Incumbent.Name, 2)] = (0.30, 0.05), [(Challenger.Name, 2)] = (0.31, 0.05),
        };
        var (a, logA) = Started(scores);
        var (b, _) = Started(scores);
        Assert.False(a.Challenge(Scored(Challenger, 0.4)));
        Assert.False(a.Challenge(Scored(Challenger, 0.4)));
        Assert.False(b.Challenge(Scored(Challenger, 0.4)));
        Assert.Equal(2, logA.Count);
        Assert.Equal(a.Incumbents.Select(i => i.ScheduleKey), b.Incumbents.Select(i => i.ScheduleKey));
    }

    [Fact]
    public void The_winner_is_the_lowest_validation_score_ties_to_the_lower_scoring_value()
    {
        Assert.Equal(1, RaceWinner.Choose([(0.1, 0.5, "a"), (0.3, 0.4, "b"), (0.2, double.NaN, "c")]));
        Assert.Equal(0, RaceWinner.Choose([(0.1, 0.4, "b"), (0.3, 0.4, "a")]));
        Assert.Equal(1, RaceWinner.Choose([(0.1, 0.4, "b"), (0.1, 0.4, "a")]));
        Assert.Equal(-1, RaceWinner.Choose([(0.1, double.PositiveInfinity, "a")]));
    }
}
