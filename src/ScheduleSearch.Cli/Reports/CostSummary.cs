using ScheduleSearch.Evaluation.Cost;
using ScheduleSearch.Search.Results;

namespace ScheduleSearch.Cli.Reports;

/// <summary>
/// The cost side of a search with measured model times (issue 9), for <c>show</c> and <c>show --json</c>: the stored
/// times, under a time budget the best schedule within it per NFE, and the front of model time per sample against
/// score over the whole history (each entry with its time in ms per sample).
/// </summary>
public sealed record CostSummary
{
    /// <summary>The measured model times per network.</summary>
    public required ModelCallTimes Times { get; init; }

    /// <summary>The spec's time budget per sample in ms (null: no time-budget objective).</summary>
    public double? Budget { get; init; }

    /// <summary>Per NFE, the best scored schedule within <see cref="Budget"/> (the summary's best; empty without a budget).</summary>
    public required IReadOnlyList<(ScoredEntry Entry, double Ms)> WithinBudget { get; init; }

    /// <summary>The time-vs-score front: every schedule no cheaper one beats, by increasing time.</summary>
    public required IReadOnlyList<(ScoredEntry Entry, double Ms)> Front { get; init; }

    /// <summary>The cost summary of <paramref name="summary"/>, or null when it has no stored times.</summary>
    public static CostSummary? Of(SearchResults summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        if (summary.Times is not { } times)
        {
            return null;
        }

        var timed = summary.PerNfe.SelectMany(n => n.History)
            .Where(e => double.IsFinite(e.Record.Score))
            .Select(e => (Entry: e, Ms: times.TryCostOf(e.Schedule)))
            .Where(t => t.Ms is not null)
            .Select(t => (t.Entry, Ms: t.Ms!.Value)).ToList();
        // Under a time budget the summary's per-NFE best is already the best within it (SearchResults ranks as the run does).
        var budget = summary.Spec?.Objective is { IsTimeBudget: true, TimePerSampleMs: { } b } ? b : (double?)null;
        var within = budget is null
            ? []
            : summary.PerNfe.Where(n => n.Best is not null).Select(n => (Entry: n.Best!, Ms: times.CostOf(n.Best!.Schedule))).ToList();
        var front = TimeScoreFront.Of(timed, t => t.Ms, t => t.Entry.Record.Score, t => t.Entry.Record.ScheduleKey);
        return new CostSummary { Times = times, Budget = budget, WithinBudget = within, Front = front };
    }
}
