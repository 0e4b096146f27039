using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation;

namespace ScheduleSearch.Search.Running;

/// <summary>
/// Evaluation lanes fed by one generator: each lane is an evaluator over its own model instance (one per device:
/// <c>--devices cuda:0,cuda:1</c>); a batch is cut into contiguous chunks that the lanes take in turn as each
/// finishes its last, and the results come back in the batch's order.
/// </summary>
/// <remarks>
/// The search is the same as with one lane: the generator is told the same scores in the same order, so it asks the
/// same batches. What differs is the order in which evaluations complete and reach the store (each lane stores its
/// own chunks), and, across devices of different kinds, the last bits of the scores a device computes. Chunks are
/// contiguous so that candidates a generator placed side by side (children of one parent, sharing prefixes) stay on
/// one lane.
/// </remarks>
public sealed class LanedEvaluator : IScheduleEvaluator
{
    private readonly IReadOnlyList<IScheduleEvaluator> lanes;
    private readonly int chunksPerLane;
    private readonly int[] evaluated;

    /// <summary>Creates the lanes; <paramref name="chunksPerLane"/> chunks per lane and batch balance lanes of unequal speed.</summary>
    public LanedEvaluator(IReadOnlyList<IScheduleEvaluator> lanes, int chunksPerLane = 4)
    {
        ArgumentNullException.ThrowIfNull(lanes);
        if (lanes.Count == 0)
        {
            throw new ArgumentException("at least one evaluation lane is needed", nameof(lanes));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(chunksPerLane, 1);
        var metric = lanes[0].Metric;
        if (lanes.Any(l => l.Metric != metric))
        {
            throw new ArgumentException($"every lane must score the same metric; lane 1 scores {metric}", nameof(lanes));
        }

        this.lanes = lanes;
        this.chunksPerLane = chunksPerLane;
        evaluated = new int[lanes.Count];
    }

    /// <inheritdoc />
    public string Metric => lanes[0].Metric;

    /// <summary>The number of lanes.</summary>
    public int Count => lanes.Count;

    /// <summary>Candidates each lane has scored (cache hits included), by lane.</summary>
    public IReadOnlyList<int> Evaluated => evaluated;

    /// <inheritdoc />
    public IReadOnlyList<ScoredSchedule> Evaluate(IReadOnlyList<SamplerSchedule> candidates, EvaluationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(request);
        if (lanes.Count == 1 || candidates.Count <= 1)
        {
            var direct = lanes[0].Evaluate(candidates, request, cancellationToken);
            Interlocked.Add(ref evaluated[0], direct.Count);
            return direct;
        }

        var chunkSize = Math.Max(1, (int)Math.Ceiling(candidates.Count / (double)(lanes.Count * chunksPerLane)));
        var chunks = new List<(int Start, int Count)>();
        for (var start = 0; start < candidates.Count; start += chunkSize)
        {
            chunks.Add((start, Math.Min(chunkSize, candidates.Count - start)));
        }

        var results = new ScoredSchedule[candidates.Count];
        var next = -1;
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var workers = new Task[lanes.Count];
        for (var lane = 0; lane < lanes.Count; lane++)
        {
            var own = lane;
            workers[lane] = Task.Factory.StartNew(
                () =>
                {
                    try
                    {
                        int chunk;
                        while ((chunk = Interlocked.Increment(ref next)) < chunks.Count)
                        {
                            failed.Token.ThrowIfCancellationRequested();
                            var (start, count) = chunks[chunk];
                            var part = lanes[own].Evaluate(candidates.Skip(start).Take(count).ToArray(), request, failed.Token);
                            if (part.Count != count)
                            {
                                throw new InvalidOperationException($"evaluation lane {own + 1} scored {part.Count} of the {count} candidates it was given; a lane must score all of them");
                            }

                            for (var i = 0; i < part.Count; i++)
                            {
                                results[start + i] = part[i];
                            }

                            Interlocked.Add(ref evaluated[own], part.Count);
                        }
                    }
                    catch
                    {
                        // One lane failing stops the others at their next chunk.
                        failed.Cancel();
                        throw;
                    }
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
        }

        try
        {
            Task.WaitAll(workers, CancellationToken.None);
        }
        catch (AggregateException ex)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var first = ex.InnerExceptions.FirstOrDefault(e => e is not OperationCanceledException) ?? ex.InnerExceptions[0];
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
            throw;
        }

        return results;
    }
}
