namespace ScheduleSearch.Core.Solvers;

/// <summary>
/// The multistep history owned by the sampler loop (DPM-Solver's model_prev_list / t_prev_list): the last
/// <see cref="EvaluationPlan.MaxHistory"/> evaluations, most recent first, in a ring of preallocated buffers
/// with one spare slot that is filled while the others are still read.
/// </summary>
public sealed class StepHistory
{
    private readonly HistoryPoint[] ring;
    private readonly long[] stamps;
    private long lastStamp;
    private int newest = -1;

    /// <summary>Creates an empty history for states of <paramref name="size"/> values.</summary>
    public StepHistory(int size)
    {
        ring = new HistoryPoint[EvaluationPlan.MaxHistory + 1];
        stamps = new long[ring.Length];
        for (var i = 0; i < ring.Length; i++)
        {
            ring[i] = new HistoryPoint(size);
        }
    }

    /// <summary>Number of points held (at most <see cref="EvaluationPlan.MaxHistory"/>).</summary>
    public int Count { get; private set; }

    /// <summary>The point <paramref name="ago"/> evaluations back (0 = most recent).</summary>
    public HistoryPoint this[int ago]
    {
        get
        {
            if (ago < 0 || ago >= Count)
            {
                throw new ArgumentOutOfRangeException(nameof(ago), ago, $"the history holds {Count} points");
            }

            return ring[(newest - ago + ring.Length) % ring.Length];
        }
    }

    /// <summary>
    /// A number unique to each <see cref="Push"/> over this history's life: the point <paramref name="ago"/> evaluations
    /// back holds the same values as long as its stamp is the same (prefix states share copies by it).
    /// </summary>
    internal long StampOf(int ago)
    {
        _ = this[ago];
        return stamps[(newest - ago + ring.Length) % ring.Length];
    }

    /// <summary>The buffer the next <see cref="Push"/> will publish; never one of the points still held.</summary>
    public HistoryPoint Pending => ring[(newest + 1) % ring.Length];

    /// <summary>True when the most recent point was evaluated at time <paramref name="t"/>.</summary>
    public bool HasPointAt(double t) => Count > 0 && this[0].T == t;

    /// <summary>Publishes <see cref="Pending"/> (already filled) as the most recent point.</summary>
    public void Push(double t, double lambda)
    {
        var slot = Pending;
        slot.T = t;
        slot.Lambda = lambda;
        newest = (newest + 1) % ring.Length;
        stamps[newest] = ++lastStamp;
        Count = Math.Min(Count + 1, EvaluationPlan.MaxHistory);
    }

    /// <summary>Forgets every point.</summary>
    public void Clear()
    {
        Count = 0;
        newest = -1;
    }
}
