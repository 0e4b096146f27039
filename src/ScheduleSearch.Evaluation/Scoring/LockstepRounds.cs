using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Solvers;

namespace ScheduleSearch.Evaluation.Scoring;

/// <summary>
/// Batching model calls across candidates (issue 6): candidates run side by side, one thread each, and every model
/// call waits until each candidate still running has made its next one; the round's calls then run as one model call
/// per network, rows at their own times (<see cref="IRowTimeDenoiser"/>; a network that takes one time per run gets
/// one call per distinct time), and every candidate goes on. Which calls share a round depends only on the candidates,
/// their order and where each starts (a candidate joins when its parent's state is ready, in the parent's thread,
/// before the parent's next call), never on thread timing: round r holds the next call of every candidate running
/// then. In a round, networks run primary first, then variants by name, rows in candidate order.
/// </summary>
internal sealed class LockstepRounds
{
    private readonly object gate = new();
    private readonly TimedDenoiser primary;
    private readonly IReadOnlyDictionary<string, TimedDenoiser> variants;
    private readonly int maxRows;
    private readonly List<Request> pending = [];
    private double[] mergedX = [];
    private double[] mergedX0 = [];
    private double[] mergedEps = [];
    private double[] times = [];
    private int live;
    private long requests;
    private long runs;

    /// <summary>Most bytes of one merged buffer (samples, and each prediction): bounds the rows of a merged call of a large model.</summary>
    public const long MergedBufferBytes = 64L * 1024 * 1024;

    /// <summary>
    /// Rounds over <paramref name="primary"/> and its <paramref name="variants"/>; a merged call holds at most
    /// <paramref name="maxRows"/> rows, and no more than fit in <see cref="MergedBufferBytes"/> per buffer.
    /// </summary>
    public LockstepRounds(TimedDenoiser primary, IReadOnlyDictionary<string, TimedDenoiser> variants, int maxRows)
    {
        this.primary = primary;
        this.variants = variants;
        var fit = (int)Math.Min(int.MaxValue, MergedBufferBytes / (sizeof(double) * (long)Math.Max(1, primary.SampleSize)));
        this.maxRows = Math.Max(1, Math.Min(maxRows, fit));
    }

    /// <summary>Model calls the candidates made.</summary>
    public long Requests => Interlocked.Read(ref requests);

    /// <summary>Model calls that ran (one per network per round, or per distinct time, and per <c>maxRows</c>).</summary>
    public long Runs => Interlocked.Read(ref runs);

    /// <summary>
    /// A sampler whose model calls go through the rounds, for candidate number <paramref name="participant"/> (the
    /// order of its rows in a merged call), with the card's DPM-Solver-v3 statistics <paramref name="ems"/> when it has them.
    /// </summary>
    public Sampler CreateSampler(int participant, DataStatistics? statistics, Core.Ems.EmsStatistics? ems = null) =>
        new(
            new Proxy(this, participant, null, primary),
            statistics,
            variants.ToDictionary(v => v.Key, v => (IDenoiser)new Proxy(this, participant, v.Key, v.Value), StringComparer.Ordinal),
            ems);

    /// <summary>A candidate starts: no round runs until it has made its first call or left.</summary>
    public void Join()
    {
        lock (gate)
        {
            live++;
        }
    }

    /// <summary>A candidate is done with the model (or never needed it).</summary>
    public void Leave()
    {
        lock (gate)
        {
            live--;
            RunIfComplete();
        }
    }

    private void Submit(Request request)
    {
        lock (gate)
        {
            request.Done = false;
            request.Error = null;
            pending.Add(request);
            RunIfComplete();
            while (!request.Done)
            {
                Monitor.Wait(gate);
            }
        }

        if (request.Error is { } error)
        {
            throw new InvalidOperationException($"a model call batched with other candidates' calls failed: {error.Message}", error);
        }
    }

    // Called under the gate: when every running candidate waits on a call, run them all.
    private void RunIfComplete()
    {
        if (live <= 0 || pending.Count < live)
        {
            return;
        }

        var round = pending.OrderBy(r => r.Model ?? string.Empty, StringComparer.Ordinal).ThenBy(r => r.Participant).ToList();
        pending.Clear();
        try
        {
            foreach (var group in round.GroupBy(r => r.Model))
            {
                var model = group.Key is { } name ? variants[name] : primary;
                if (model.HandlesRowTimes)
                {
                    RunChunks([.. group], model, rowTimes: true);
                }
                else
                {
                    foreach (var sameTime in group.GroupBy(r => BitConverter.DoubleToInt64Bits(r.T)))
                    {
                        RunChunks([.. sameTime], model, rowTimes: false);
                    }
                }
            }
        }
        finally
        {
            foreach (var request in round)
            {
                request.Done = true;
            }

            Monitor.PulseAll(gate);
        }
    }

    private void RunChunks(List<Request> group, TimedDenoiser model, bool rowTimes)
    {
        var size = model.SampleSize;
        var start = 0;
        while (start < group.Count)
        {
            var end = start + 1;
            var rows = group[start].Batch;
            while (end < group.Count && rows + group[end].Batch <= maxRows)
            {
                rows += group[end].Batch;
                end++;
            }

            var chunk = group.GetRange(start, end - start);
            start = end;
            try
            {
                if (chunk.Count == 1)
                {
                    var only = chunk[0];
                    model.Predict(only.X, only.Batch, only.T, only.X0, only.Eps);
                }
                else
                {
                    Grow(ref mergedX, rows * size);
                    Grow(ref mergedX0, rows * size);
                    Grow(ref mergedEps, rows * size);
                    Grow(ref times, rows);
                    var offset = 0;
                    foreach (var r in chunk)
                    {
                        r.X.AsSpan(0, r.Batch * size).CopyTo(mergedX.AsSpan(offset * size));
                        times.AsSpan(offset, r.Batch).Fill(r.T);
                        offset += r.Batch;
                    }

                    if (rowTimes)
                    {
                        model.PredictRows(mergedX.AsSpan(0, rows * size), times.AsSpan(0, rows), mergedX0, mergedEps);
                    }
                    else
                    {
                        model.Predict(mergedX.AsSpan(0, rows * size), rows, chunk[0].T, mergedX0, mergedEps);
                    }

                    offset = 0;
                    foreach (var r in chunk)
                    {
                        mergedX0.AsSpan(offset * size, r.Batch * size).CopyTo(r.X0);
                        mergedEps.AsSpan(offset * size, r.Batch * size).CopyTo(r.Eps);
                        offset += r.Batch;
                    }
                }
            }
            catch (Exception ex)
            {
                foreach (var r in chunk)
                {
                    r.Error = ex;
                }
            }

            Interlocked.Increment(ref runs);
            Interlocked.Add(ref requests, chunk.Count);
        }
    }

    private static void Grow(ref double[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new double[length];
        }
    }

    /// <summary>One pending model call of one candidate; its buffers are reused by the candidate's next call.</summary>
    private sealed class Request(int participant, string? model)
    {
        public int Participant { get; } = participant;

        public string? Model { get; } = model;

        public int Batch { get; set; }

        public double T { get; set; }

        public double[] X { get; set; } = [];

        public double[] X0 { get; set; } = [];

        public double[] Eps { get; set; } = [];

        public bool Done { get; set; }

        public Exception? Error { get; set; }
    }

    /// <summary>What a candidate's sampler sees as its model: each call waits for its round.</summary>
    private sealed class Proxy(LockstepRounds owner, int participant, string? model, TimedDenoiser target) : IDenoiser
    {
        private readonly Request request = new(participant, model);
        private long calls;

        public NoiseSchedule Schedule => target.Schedule;

        public int SampleSize => target.SampleSize;

        public long Calls => Interlocked.Read(ref calls);

        public void Predict(ReadOnlySpan<double> x, int batch, double t, Span<double> x0, Span<double> eps)
        {
            var n = batch * SampleSize;
            if (x.Length < n || x0.Length < n || eps.Length < n)
            {
                throw new ArgumentException($"buffers hold fewer than batch {batch} x {SampleSize} values");
            }

            if (request.X.Length < n)
            {
                request.X = new double[n];
                request.X0 = new double[n];
                request.Eps = new double[n];
            }

            x[..n].CopyTo(request.X);
            request.Batch = batch;
            request.T = t;
            owner.Submit(request);
            request.X0.AsSpan(0, n).CopyTo(x0);
            request.Eps.AsSpan(0, n).CopyTo(eps);
            Interlocked.Increment(ref calls);
        }
    }
}
