using System.Globalization;
using ScheduleSearch.Evaluation;

namespace ScheduleSearch.Search.Running;

/// <summary>What a search found at one NFE, with held-out scores as the headline (SEARCH-NOTES.md section 1).</summary>
public sealed record NfeOutcome
{
    /// <summary>The NFE.</summary>
    public required int Nfe { get; init; }

    /// <summary>The best schedule on the scoring set (a baseline when nothing beat them), or null.</summary>
    public ScoredSchedule? Best { get; init; }

    /// <summary><see cref="Best"/>'s score on the held-out noise set (null when not re-scored, e.g. interrupted).</summary>
    public double? BestHeldOut { get; init; }

    /// <summary>The best baseline on the scoring set, or null.</summary>
    public ScoredSchedule? BestBaseline { get; init; }

    /// <summary>The best baseline's name ("preset (spacing)").</summary>
    public string? BaselineName => BestBaseline?.Schedule.Name;

    /// <summary>The best baseline's held-out score.</summary>
    public double? BaselineHeldOut { get; init; }

    /// <summary>
    /// With racing: <see cref="Best"/>'s score on the validation set, where it was chosen among the incumbents and the
    /// best baseline (null without racing).
    /// </summary>
    public double? BestValidation { get; init; }

    /// <summary>With racing: the best baseline's score on the validation set (null without racing).</summary>
    public double? BaselineValidation { get; init; }

    /// <summary>With racing: how many candidates held the incumbency, the first included (null without racing).</summary>
    public int? Incumbents { get; init; }

    /// <summary>1 - best / baseline on the scoring set (0.4 = 40% lower error).</summary>
    public double? Reduction => Best is { } b && BestBaseline is { } r && r.Score > 0 && double.IsFinite(r.Score) ? 1 - (b.Score / r.Score) : null;

    /// <summary>1 - best / baseline on the held-out set: the headline.</summary>
    public double? HeldOutReduction => BestHeldOut is { } b && BaselineHeldOut is { } r && r > 0 && double.IsFinite(r) ? 1 - (b / r) : null;

    /// <summary>
    /// Why the search did not beat the best classic solver on the held-out samples, in one sentence; null when it did
    /// (or was not re-scored there). Issue 20: a search that falls short says so and why, rather than reporting a
    /// baseline or an overfit schedule as its find.
    /// </summary>
    public string? Shortfall
    {
        get
        {
            if (BestBaseline is not { } baseline || Best is not { } best || HeldOutReduction is not { } held || held > 0)
            {
                return null;
            }

            var name = baseline.Schedule.Name;
            if (best.ScheduleKey == baseline.ScheduleKey && BestValidation is not null)
            {
                return $"NFE {Nfe}: no candidate that won its races beat {name} on the validation samples, so the search reports the classic solver";
            }

            if (best.ScheduleKey == baseline.ScheduleKey || !(Reduction > 0))
            {
                return $"NFE {Nfe}: nothing the search scored beat {name} on the scoring samples; the classic solver is the best this space and budget reach (a larger budget, another strategy or a wider space may do better)";
            }

            return string.Create(CultureInfo.InvariantCulture,
                $"NFE {Nfe}: the found schedule beat {name} by {Reduction:P1} on the scoring samples but not on the held-out ones ({held:P1}): its gain is specific to the scoring noise (more scoring samples or \"racing\" may help); use {name}");
        }
    }
}
