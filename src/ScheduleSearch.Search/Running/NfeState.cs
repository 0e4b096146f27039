using ScheduleSearch.Evaluation;
using ScheduleSearch.Search.Generators;
using ScheduleSearch.Search.Specs;

namespace ScheduleSearch.Search.Running;

/// <summary>A <see cref="SearchRun"/>'s bookkeeping of one target NFE: its baselines, generator, best and (with racing) race.</summary>
internal sealed class NfeState(int nfe, CostObjective cost, SearchSpace space, Race? race)
{
    public int Nfe { get; } = nfe;

    /// <summary>The race of challengers when racing is on (<see cref="Best"/> is then its incumbent), else null.</summary>
    public Race? Race { get; } = race;

    public List<ScoredSchedule> Baselines { get; } = [];

    public ScoredSchedule? Best { get; private set; }

    /// <summary>The best in-space candidate on the scoring set (with racing it need not have won its race; else <see cref="Best"/>).</summary>
    public ScoredSchedule? ScoringBest { get; private set; }

    public ICandidateGenerator? Generator { get; set; }

    public bool Exhausted { get; set; }

    /// <summary>
    /// Keeps <paramref name="r"/> when it beats the best (strictly: the first of equals stays) and lies in the space:
    /// what is reported as found is never a schedule the space rules out (a baseline, or a stitched one, is reported
    /// as a baseline). With racing, a new best on the scoring set is a challenger, kept only when it wins its race.
    /// </summary>
    public bool Offer(ScoredSchedule r)
    {
        var leader = Race is null ? Best : ScoringBest;
        if (r.Nfe != Nfe || !double.IsFinite(r.Score) || !cost.Allows(r) || (leader is not null && !(r.Score < leader.Score))
            || !SpaceMembership.Contains(space, r.Schedule))
        {
            return false;
        }

        ScoringBest = r;
        if (Race is not null && !Race.Challenge(r))
        {
            return false;
        }

        Best = r;
        return true;
    }

    /// <summary>Makes <paramref name="winner"/>, chosen on the validation set, the NFE's best.</summary>
    public void Confirm(ScoredSchedule winner) => Best = winner;
}
