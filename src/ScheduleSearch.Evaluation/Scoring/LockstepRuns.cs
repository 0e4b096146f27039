using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Solvers;

namespace ScheduleSearch.Evaluation.Scoring;

/// <summary>
/// The lockstep mode (issue 6, <see cref="ScheduleEvaluatorOptions.LockstepCandidates"/>): waves of up to
/// <paramref name="waveSize"/> candidates run side by side as a prefix tree, their model calls batched round by round
/// (<see cref="LockstepRounds"/>).
/// </summary>
internal sealed class LockstepRuns(LockstepRounds rounds, PrefixRunner runner, DataStatistics? statistics, int waveSize, Core.Ems.EmsStatistics? ems = null) : IRunStrategy
{
    private readonly PrefixStateCache? cache = runner.Cache;

    /// <inheritdoc />
    public void Run(ScoringBatch batch, CancellationToken cancellationToken)
    {
        var order = batch.Order.ToList();
        for (var wave = 0; wave < order.Count; wave += waveSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            RunWave(batch, order.GetRange(wave, Math.Min(waveSize, order.Count - wave)), cancellationToken);
        }
    }

    /// <summary>
    /// Evaluates the candidates <paramref name="wave"/> (indices, in prefix-tree order) in lockstep. The plan is fixed
    /// before anything runs: each candidate starts from the furthest state it can have, a state held in the prefix
    /// cache (taken now) or one an earlier candidate of the wave computes (then it starts when that candidate reaches
    /// it, and joins the rounds from there). As one at a time, the states a candidate passes go to the cache (after
    /// the wave).
    /// </summary>
    private void RunWave(ScoringBatch batch, List<int> wave, CancellationToken cancellationToken)
    {
        var (candidates, count) = (batch.Candidates, batch.Samples);
        var plan = Plan(candidates, wave, count, batch.Set);
        var errors = new Exception?[plan.Count];
        using var finished = new CountdownEvent(plan.Count);

        void Launch(Node node, SamplerState? start)
        {
            node.Start = start;
            node.Launched = true;
            rounds.Join();
            new Thread(() => Participate(node)) { IsBackground = true, Name = "lockstep candidate" }.Start();
        }

        void Participate(Node node)
        {
            var left = false;
            void LeaveOnce()
            {
                if (left)
                {
                    return;
                }

                left = true;
                // A parent that stopped before a child's state (it failed) still lets the child run, from the start.
                foreach (var child in node.Children.Where(c => !c.Launched))
                {
                    Launch(child, null);
                }

                rounds.Leave();
            }

            var i = node.Candidate;
            try
            {
                batch.Results[i] = batch.Score(i, (x, token) =>
                {
                    try
                    {
                        var sampler = rounds.CreateSampler(node.Order, statistics, ems);
                        sampler.RunFrom(candidates[i], x, count, node.Start, node.Keys is null ? null : (k, capture) => Offer(node, k, capture), token);
                        if (node.Start is { } start)
                        {
                            runner.CountResume(candidates[i], start);
                        }
                    }
                    finally
                    {
                        LeaveOnce();
                    }
                }, cancellationToken);
            }
            catch (Exception ex)
            {
                errors[node.Order] = ex;
            }
            finally
            {
                LeaveOnce();
                finished.Signal();
            }
        }

        void Offer(Node node, int k, Func<SamplerState> capture)
        {
            var children = node.Children.Where(c => c.ProducerDepth == k).ToList();
            var cacheWants = cache is not null && !cache.Contains(node.Keys![k]);
            if (children.Count == 0 && !cacheWants)
            {
                return;
            }

            var state = capture();
            if (cacheWants)
            {
                node.Captured.Add((node.Keys![k], state));
            }

            foreach (var child in children)
            {
                Launch(child, state);
            }
        }

        var roots = plan.Where(n => n.Producer is null).ToList();
        foreach (var _ in roots)
        {
            rounds.Join();
        }

        foreach (var root in roots)
        {
            root.Launched = true;
            new Thread(() => Participate(root)) { IsBackground = true, Name = "lockstep candidate" }.Start();
        }

        finished.Wait(CancellationToken.None);

        // States go to the cache after the wave, in plan order, so that what it holds (and evicts) does not depend on
        // which thread got there first.
        foreach (var (key, state) in plan.SelectMany(n => n.Captured))
        {
            if (!cache!.Contains(key))
            {
                cache.Add(key, state);
            }
        }
        if (errors.FirstOrDefault(e => e is not null) is { } error)
        {
            if (error is OperationCanceledException)
            {
                throw new OperationCanceledException(error.Message, error, cancellationToken);
            }

            throw new InvalidOperationException($"evaluating a candidate in lockstep failed: {error.Message}", error);
        }
    }

    /// <summary>The wave's prefix tree: where each candidate starts, and which candidates start from which one's states.</summary>
    private List<Node> Plan(IReadOnlyList<SamplerSchedule> candidates, List<int> wave, int count, string set)
    {
        var plan = new List<Node>();
        var producedBy = new Dictionary<string, Node>(StringComparer.Ordinal);
        foreach (var i in wave)
        {
            var node = new Node(i, plan.Count);
            plan.Add(node);
            var schedule = candidates[i];
            if (cache is null || schedule.Steps.Length < 1 || ScheduleValidator.Problems(schedule, runner.Noise).Count > 0)
            {
                continue;
            }

            node.Keys = PrefixRunner.Keys(schedule, count, set);
            var cachedDepth = -1;
            for (var k = node.Keys.Length - 1; k >= 0 && node.Start is null; k--)
            {
                node.Start = cache.Get(node.Keys[k]);
                cachedDepth = node.Start is null ? -1 : k;
            }

            for (var k = node.Keys.Length - 1; k > cachedDepth; k--)
            {
                if (producedBy.TryGetValue(node.Keys[k], out var producer))
                {
                    node.Producer = producer;
                    node.ProducerDepth = k;
                    node.Start = null;
                    producer.Children.Add(node);
                    break;
                }
            }

            var from = node.Producer is not null ? node.ProducerDepth : cachedDepth;
            for (var k = from + 1; k < node.Keys.Length; k++)
            {
                producedBy.TryAdd(node.Keys[k], node);
            }
        }

        return plan;
    }

    /// <summary>One candidate of a lockstep wave.</summary>
    private sealed class Node(int candidate, int order)
    {
        /// <summary>Index into the batch's candidates.</summary>
        public int Candidate { get; } = candidate;

        /// <summary>Position in the wave: the order of this candidate's rows in a batched call.</summary>
        public int Order { get; } = order;

        /// <summary>Prefix-cache keys of the states after 0, 1, ... steps (null: no prefix sharing for this candidate).</summary>
        public string[]? Keys { get; set; }

        /// <summary>The state to start from (null: the start), known at planning (cache) or when the producer reaches it.</summary>
        public SamplerState? Start { get; set; }

        /// <summary>The earlier candidate of the wave whose state after <see cref="ProducerDepth"/> steps this one starts from.</summary>
        public Node? Producer { get; set; }

        /// <summary>Steps done in the producer's state this candidate starts from.</summary>
        public int ProducerDepth { get; set; } = -1;

        /// <summary>Candidates that start from this one's states.</summary>
        public List<Node> Children { get; } = [];

        /// <summary>States this candidate passed that the cache lacked, kept for it once the wave is done.</summary>
        public List<(string Key, SamplerState State)> Captured { get; } = [];

        /// <summary>True once its thread has been started.</summary>
        public bool Launched { get; set; }
    }
}
