namespace ScheduleSearch.Evaluation.Scoring;

/// <summary>One candidate after the other, each resuming from the prefix cache where it can.</summary>
internal sealed class SequentialRuns(PrefixRunner runner) : IRunStrategy
{
    /// <inheritdoc />
    public void Run(ScoringBatch batch, CancellationToken cancellationToken)
    {
        foreach (var i in batch.Order)
        {
            batch.Results[i] = batch.Score(i, (x, token) => runner.Run(batch.Candidates[i], x, batch.Samples, batch.Set, token), cancellationToken);
        }
    }
}
