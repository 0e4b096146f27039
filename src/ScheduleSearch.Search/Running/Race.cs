using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Evaluation.Metrics;
using ScheduleSearch.Evaluation.NoiseSets;
using ScheduleSearch.Search.Specs;

namespace ScheduleSearch.Search.Running;

/// <summary>
/// Racing of one NFE's challengers (intensification as in SMAC and irace, issue 20): the first candidate offered becomes
/// the incumbent; a later one replaces it only after beating it on the racing noise sets too, not just on the scoring
/// set it was selected on. A race scores both on the first racing set; a challenger behind there loses, one ahead by
/// more than <see cref="RacingSpec.Confidence"/> standard errors wins; an uncertain lead is raced on the next set (the
/// lead and its standard error pooled over the sets raced), and on the last set any lead wins. The standard errors are
/// those the metric records per score (<see cref="RobustSummary.StandardErrorOf"/>, the per-sample errors' spread;
/// unpaired, so conservative); a metric without one races every set.
/// </summary>
/// <remarks>
/// Deterministic: the decisions depend only on the scores, which the scorer answers from the cache when a resumed search
/// replays a race. Each (schedule, racing set) pair is scored once and counted in <see cref="Evaluations"/>.
/// </remarks>
public sealed class Race
{
    private readonly RacingSpec spec;
    private readonly string metric;
    private readonly Func<IReadOnlyList<SamplerSchedule>, NoiseSpec, IReadOnlyList<ScoredSchedule>> score;
    private readonly Dictionary<(string ScheduleKey, int Seed), ScoredSchedule> raced = [];
    private readonly List<ScoredSchedule> incumbents = [];

    /// <summary>
    /// A race under <paramref name="spec"/> for <paramref name="metric"/>'s scores; <paramref name="score"/> scores
    /// schedules on a racing set (results in their order).
    /// </summary>
    public Race(RacingSpec spec, string metric, Func<IReadOnlyList<SamplerSchedule>, NoiseSpec, IReadOnlyList<ScoredSchedule>> score)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(score);
        this.spec = spec;
        this.metric = metric;
        this.score = score;
    }

    /// <summary>The incumbent: the last challenger that won its race (null before the first offer).</summary>
    public ScoredSchedule? Incumbent => incumbents.Count == 0 ? null : incumbents[^1];

    /// <summary>Every incumbent in the order they took over, the present one last.</summary>
    public IReadOnlyList<ScoredSchedule> Incumbents => incumbents;

    /// <summary>Racing-set evaluations asked for so far (each schedule and set once).</summary>
    public int Evaluations => raced.Count;

    /// <summary>
    /// Races <paramref name="challenger"/> (a new best on the scoring set) against the incumbent; true when it won and
    /// is the incumbent now. The first challenger takes over without a race.
    /// </summary>
    public bool Challenge(ScoredSchedule challenger)
    {
        ArgumentNullException.ThrowIfNull(challenger);
        if (Incumbent is not { } incumbent)
        {
            incumbents.Add(challenger);
            return true;
        }

        var (lead, variance, sets) = (0.0, 0.0, 0);
        foreach (var set in spec.Sets)
        {
            sets++;
            var (mine, theirs) = ScorePair(incumbent, challenger, set);
            if (!double.IsFinite(theirs.Score))
            {
                return false;
            }

            lead += mine.Score - theirs.Score;
            var (seMine, seTheirs) = (RobustSummary.StandardErrorOf(mine.DetailsJson, metric), RobustSummary.StandardErrorOf(theirs.DetailsJson, metric));
            variance = seMine is { } a && seTheirs is { } b ? variance + (a * a) + (b * b) : double.NaN;
            var meanLead = lead / sets;
            if (!(meanLead > 0))
            {
                return false;
            }

            // An infinite lead (the incumbent diverged on this set) is certain; NaN variance (no standard errors) is not.
            if (sets == spec.Seeds.Length || double.IsPositiveInfinity(meanLead) || meanLead > spec.Confidence * Math.Sqrt(variance) / sets)
            {
                incumbents.Add(challenger);
                return true;
            }
        }

        return false;
    }

    /// <summary>Scores both on <paramref name="set"/>, each at most once per race's lifetime, in one call.</summary>
    private (ScoredSchedule Incumbent, ScoredSchedule Challenger) ScorePair(ScoredSchedule incumbent, ScoredSchedule challenger, NoiseSpec set)
    {
        var wanted = new[] { incumbent, challenger }.Where(s => !raced.ContainsKey((s.ScheduleKey, set.Seed))).DistinctBy(s => s.ScheduleKey).ToArray();
        if (wanted.Length > 0)
        {
            var results = score([.. wanted.Select(s => s.Schedule)], set);
            for (var i = 0; i < wanted.Length; i++)
            {
                raced[(wanted[i].ScheduleKey, set.Seed)] = results[i];
            }
        }

        return (raced[(incumbent.ScheduleKey, set.Seed)], raced[(challenger.ScheduleKey, set.Seed)]);
    }
}
