using ScheduleSearch.Core.Schedules;

namespace ScheduleSearch.Core.Solvers;

/// <summary>
/// The executor's state at step <see cref="Steps"/> of a schedule: the first <see cref="Steps"/> steps done and the
/// model evaluated at the next step's start point (its anchor; none before a teleport), its update not begun. It holds
/// the samples and everything the remaining steps may read (the multistep history with both predictions, GHVB's
/// momentum). Immutable once captured;
/// <see cref="Sampler.RunFrom"/> resumes any schedule with the same <see cref="SamplerPrefix.Key"/> from it.
/// </summary>
public sealed class SamplerState
{
    private readonly double[] x;
    private readonly HistoryPoint[] history;
    private readonly double[]? momentum;

    internal SamplerState(string prefixKey, int steps, int batch, double[] x, HistoryPoint[] history, double[]? momentum, Prediction momentumPrediction)
    {
        PrefixKey = prefixKey;
        Steps = steps;
        Batch = batch;
        this.x = x;
        this.history = history;
        this.momentum = momentum;
        MomentumPrediction = momentumPrediction;
    }

    /// <summary>The <see cref="SamplerPrefix.Key"/> of the steps taken.</summary>
    public string PrefixKey { get; }

    /// <summary>Steps taken (the step whose update runs next).</summary>
    public int Steps { get; }

    /// <summary>Samples in the state.</summary>
    public int Batch { get; }

    /// <summary>Memory held by the state's buffers, in bytes (buffers shared with other states counted in full).</summary>
    public long SizeInBytes => Buffers().Sum(b => b.Bytes);

    /// <summary>The samples after <see cref="Steps"/> steps.</summary>
    public ReadOnlySpan<double> X => x;

    /// <summary>
    /// The buffers the state holds, each with its size in bytes. States captured by one run (and the state it resumed
    /// from) share the history points they have in common: the same buffer object, which a cache should count once.
    /// </summary>
    public IEnumerable<(object Buffer, long Bytes)> Buffers()
    {
        yield return (x, sizeof(double) * (long)x.Length);
        foreach (var point in history)
        {
            yield return (point, sizeof(double) * 2L * point.X0.Length);
        }

        if (momentum is not null)
        {
            yield return (momentum, sizeof(double) * (long)momentum.Length);
        }
    }

    /// <summary>The history, oldest point first.</summary>
    internal IReadOnlyList<HistoryPoint> History => history;

    /// <summary>GHVB's previous effective prediction, or null when the next step has none to use.</summary>
    internal double[]? Momentum => momentum;

    internal Prediction MomentumPrediction { get; }
}
