namespace ScheduleSearch.Evaluation.Scoring;

/// <summary>
/// How the candidates of a batch run: one at a time (<see cref="SequentialRuns"/>), several at once
/// (<see cref="ParallelRuns"/>) or in lockstep with batched model calls (<see cref="LockstepRuns"/>). Every strategy
/// gives the same scores; they differ only in speed.
/// </summary>
internal interface IRunStrategy
{
    /// <summary>Runs and scores every candidate of <paramref name="batch"/>, filling its results as each finishes.</summary>
    void Run(ScoringBatch batch, CancellationToken cancellationToken);
}
