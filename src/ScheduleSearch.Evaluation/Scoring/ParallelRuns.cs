namespace ScheduleSearch.Evaluation.Scoring;

/// <summary>
/// Up to <paramref name="degreeOfParallelism"/> candidates at once, one sampler each (the denoiser must accept
/// concurrent calls); bit-identical to one at a time.
/// </summary>
internal sealed class ParallelRuns(PrefixRunner runner, int degreeOfParallelism) : IRunStrategy
{
    /// <inheritdoc />
    public void Run(ScoringBatch batch, CancellationToken cancellationToken)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = degreeOfParallelism, CancellationToken = cancellationToken };
        Parallel.ForEach(batch.Order, parallel, i =>
            batch.Results[i] = batch.Score(i, (x, token) => runner.Run(batch.Candidates[i], x, batch.Samples, batch.Set, token), cancellationToken));
    }
}
