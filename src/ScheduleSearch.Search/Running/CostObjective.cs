using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Evaluation.Cost;
using ScheduleSearch.Search.Generators;
using ScheduleSearch.Search.Operators;
using ScheduleSearch.Search.Specs;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Search.Running;

/// <summary>
/// A <see cref="SearchRun"/>'s side of the spec's objective (issue 9). Under <c>time-budget</c> a candidate whose
/// measured model time per sample is over the budget is scored and stored as usual but never becomes best, and the
/// generators see it as infinitely bad (a death penalty: they learn the budget, not the score of what they cannot
/// use). The measured times are kept in the store with the search (<see cref="ModelCallTimesStore"/>), so a resumed
/// search checks the same budget against the same figures and replays the same sequence. With times known (a time
/// budget, or a space with model variants and a measurer), every result seen is kept for the time-vs-score front.
/// </summary>
internal sealed class CostObjective
{
    private readonly ObjectiveSpec objective;
    private readonly Dictionary<string, TimedSchedule> seen = new(StringComparer.Ordinal);

    private CostObjective(ObjectiveSpec objective, ModelCallTimes? times)
    {
        this.objective = objective;
        Times = times;
    }

    /// <summary>The measured (or stored) times, or null when the search has none.</summary>
    public ModelCallTimes? Times { get; }

    /// <summary>The objective of <paramref name="spec"/>, with the times stored for its search (measured first when none are).</summary>
    public static CostObjective Open(SearchSpec spec, IScoreStore store, SearchRunOptions options, CancellationToken cancellationToken)
    {
        var stored = ModelCallTimesStore.Get(store, spec.Name, cancellationToken);
        if (stored is null && options.MeasureCallTimes is null && spec.Objective.IsTimeBudget)
        {
            throw new InvalidOperationException($"search '{spec.Name}' has a time-budget objective but no measured model times: give SearchRunOptions.MeasureCallTimes");
        }

        var times = stored ?? (options.MeasureCallTimes is { } measure && (spec.Objective.IsTimeBudget || spec.Space.Models.Length > 0)
            ? ModelCallTimesStore.GetOrMeasure(store, spec.Name, measure, options.Clock, cancellationToken)
            : null);
        return new CostObjective(spec.Objective, times);
    }

    /// <summary>Model time per sample of <paramref name="schedule"/> in ms, or null without times (or for a schedule naming an unmeasured variant).</summary>
    public double? CostOf(SamplerSchedule schedule) => Times?.TryCostOf(schedule);

    /// <summary>True when <paramref name="r"/> may become best: always under the score objective, within the budget under a time budget.</summary>
    public bool Allows(ScoredSchedule r) => !objective.IsTimeBudget || (CostOf(r.Schedule) is { } ms && objective.Allows(ms));

    /// <summary>The results as generators should see them: over-budget ones with an infinite score.</summary>
    public IReadOnlyList<ScoredSchedule> ForGenerator(IReadOnlyList<ScoredSchedule> results) =>
        !objective.IsTimeBudget ? results : [.. results.Select(r => Allows(r) ? r : r with { Score = double.PositiveInfinity })];

    /// <summary>Keeps the results for the front.</summary>
    public void Observe(IEnumerable<ScoredSchedule> results)
    {
        foreach (var r in results)
        {
            if (double.IsFinite(r.Score) && CostOf(r.Schedule) is { } ms)
            {
                seen.TryAdd(r.ScheduleKey, new TimedSchedule(r, ms));
            }
        }
    }

    /// <summary>The schedules seen that no cheaper-or-equal schedule beats on score, ascending time (empty without times).</summary>
    public IReadOnlyList<TimedSchedule> Front() =>
        TimeScoreFront.Of(seen.Values, t => t.MillisecondsPerSample, t => t.Scored.Score, t => t.Scored.ScheduleKey);

    /// <summary>
    /// Under a time budget with model variants in the space: stitched versions of the best <paramref name="count"/>
    /// over-budget <paramref name="baselines"/>, each twice: its first steps moved to the cheapest variant (T-Stitch)
    /// and its last steps, as few as bring it within the budget (none where even all of them would not). They seed
    /// the generators with feasible schedules; empty otherwise.
    /// </summary>
    public IReadOnlyList<SamplerSchedule> Stitched(IEnumerable<ScoredSchedule> baselines, SearchSpace space, int count)
    {
        if (!objective.IsTimeBudget || Times is null || space.Models.Length == 0)
        {
            return [];
        }

        var cheapest = space.Models.Where(Times.MillisecondsPerSample.ContainsKey).OrderBy(m => Times.MillisecondsPerSample[m]).FirstOrDefault();
        if (cheapest is null)
        {
            return [];
        }

        var result = new List<SamplerSchedule>();
        foreach (var b in baselines.Where(b => double.IsFinite(b.Score) && !Allows(b)).OrderBy(b => b.Score).Take(count))
        {
            foreach (var first in new[] { true, false })
            {
                var steps = b.Schedule.Steps.ToList();
                for (var k = 1; k <= steps.Count; k++)
                {
                    ModelChoices.SetRun(steps, first, k, cheapest);
                    var stitched = b.Schedule with { Steps = [.. steps], Name = $"{b.Schedule.Name} + {cheapest} {(first ? "first" : "last")} {k}" };
                    if (CostOf(stitched) is { } ms && objective.Allows(ms))
                    {
                        result.Add(stitched);
                        break;
                    }
                }
            }
        }

        return result;
    }
}
