using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Evaluation.Scoring;

/// <summary>
/// The candidates a run strategy runs, and how one is scored once its sampler has run: <see cref="Score"/> takes the
/// candidate's index and the action that runs its sampler over the initial states in place, and returns its record,
/// which the strategy puts into <see cref="Results"/> as soon as it is done (what is there is stored, also on cancellation).
/// </summary>
internal sealed class ScoringBatch(
    IReadOnlyList<SamplerSchedule> candidates,
    IReadOnlyList<int> order,
    int samples,
    string set,
    EvaluationRecord?[] results,
    Func<int, Action<double[], CancellationToken>, CancellationToken, EvaluationRecord> score)
{
    /// <summary>The candidates.</summary>
    public IReadOnlyList<SamplerSchedule> Candidates { get; } = candidates;

    /// <summary>Indices into <see cref="Candidates"/> in the order to run them (prefix-tree order with the prefix cache).</summary>
    public IReadOnlyList<int> Order { get; } = order;

    /// <summary>Samples per run.</summary>
    public int Samples { get; } = samples;

    /// <summary>The noise set's name in prefix-cache keys (<see cref="PrefixRunner.SetName"/>).</summary>
    public string Set { get; } = set;

    /// <summary>Finished records by candidate index (null: not finished).</summary>
    public EvaluationRecord?[] Results { get; } = results;

    /// <summary>Scores candidate <c>i</c>, running its sampler with the given action.</summary>
    public EvaluationRecord Score(int i, Action<double[], CancellationToken> run, CancellationToken cancellationToken) => score(i, run, cancellationToken);
}
