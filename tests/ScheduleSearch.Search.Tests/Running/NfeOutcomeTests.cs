using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Spacings;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Search.Running;
using static ScheduleSearch.Search.Tests.Support.TestScores;

namespace ScheduleSearch.Search.Tests.Running;

/// <summary>What a search says when it did not beat the best classic solver on held-out samples (issue 20).</summary>
public sealed class NfeOutcomeTests
{
    private static readonly NoiseSchedule Noise = VpDiscreteSchedule.Linear();
    private static readonly ScoredSchedule Baseline = Scored(PresetCatalog.Create("ipndm", Noise, 5, Spacing.TimeQuadratic), 0.10);
    private static readonly SamplerSchedule Found = PresetCatalog.Create("dpm-solver++-2m", Noise, 5, Spacing.LogSnrUniform);

    private static NfeOutcome Outcome(ScoredSchedule best, double bestHeldOut, double? validation = null) => new()
    {
        Nfe = 5, Best = best, BestHeldOut = bestHeldOut, BestBaseline = Baseline, BaselineHeldOut = 0.12, BestValidation = validation,
    };

    [Fact]
    public void A_search_ahead_on_held_out_samples_has_no_shortfall()
    {
        Assert.Null(Outcome(Scored(Found, 0.05), 0.11).Shortfall);
    }

    [Fact]
    public void A_search_not_re_scored_on_held_out_samples_claims_nothing()
    {
        Assert.Null((Outcome(Scored(Found, 0.05), 0.2) with { BestHeldOut = null }).Shortfall);
    }

    [Fact]
    public void A_gain_on_the_scoring_samples_only_is_named_as_specific_to_that_noise()
    {
        var shortfall = Outcome(Scored(Found, 0.05), 0.13).Shortfall;
        Assert.NotNull(shortfall);
        Assert.Contains("beat ipndm (time-quadratic) by 50.0 % on the scoring samples but not on the held-out ones (-8.3 %)", shortfall, StringComparison.Ordinal);
    }

    [Fact]
    public void A_search_whose_best_is_the_baseline_says_nothing_beat_it()
    {
        Assert.Contains("nothing the search scored beat ipndm (time-quadratic)", Outcome(Baseline, 0.12).Shortfall, StringComparison.Ordinal);
    }

    [Fact]
    public void A_racing_search_that_kept_the_baseline_says_no_winner_beat_it_on_validation()
    {
        Assert.Contains("on the validation samples", Outcome(Baseline, 0.12, validation: 0.1).Shortfall, StringComparison.Ordinal);
    }
}
