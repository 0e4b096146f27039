using ScheduleSearch.Core.Schedules;

namespace ScheduleSearch.Core.Solvers;

/// <summary>
/// Prefix sharing (issue 6): run a schedule from the state another schedule with the same first steps left behind,
/// and hand out the states after each step so that later schedules can do the same. Resuming is bit-for-bit the
/// same as running from the start: the state holds every value the remaining steps read (SamplerPrefix names which).
/// </summary>
public sealed partial class Sampler
{
    /// <summary>
    /// As <see cref="Run"/>, but starting from <paramref name="start"/> (null: from the start, <paramref name="x"/> being
    /// the state at Timesteps[0]; otherwise <paramref name="x"/> is overwritten with the state's samples) and offering
    /// the state at each step k reached (k steps done and step k's anchor evaluated; see <see cref="SamplerState"/>):
    /// <paramref name="prefixReady"/> gets k and a function that captures it (a copy; call it within the callback, since
    /// the run moves on when it returns, and only for the states worth keeping). The state a run resumed from is not
    /// offered again.
    /// </summary>
    public void RunFrom(
        SamplerSchedule plan,
        double[] x,
        int batch,
        SamplerState? start,
        Action<int, Func<SamplerState>>? prefixReady,
        CancellationToken cancellationToken = default) =>
        RunCore(plan, x, batch, start, null, prefixReady, cancellationToken);

    /// <summary>Loads <paramref name="start"/> into the workspace and <paramref name="x"/>; returns the next step.</summary>
    private int Restore(Workspace ws, SamplerState start, SamplerSchedule plan, double[] x, int batch)
    {
        if (start.Batch != batch || start.X.Length != x.Length)
        {
            throw new ArgumentException($"the prefix state holds {start.Batch} samples of {start.X.Length / Math.Max(1, start.Batch)} values; this run has {batch} of {denoiser.SampleSize}", nameof(start));
        }

        if (!SamplerPrefix.CanCapture(plan, start.Steps) || SamplerPrefix.Key(plan, start.Steps) != start.PrefixKey)
        {
            throw new ArgumentException($"the prefix state was captured after {start.Steps} steps of a schedule whose first steps differ from this one's", nameof(start));
        }

        start.X.CopyTo(x);
        ws.History.Clear();
        ws.Frozen.Clear();
        foreach (var point in start.History)
        {
            var slot = ws.History.Pending;
            Array.Copy(point.X0, slot.X0, x.Length);
            Array.Copy(point.Eps, slot.Eps, x.Length);
            ws.History.Push(point.T, point.Lambda);
            ws.Frozen[ws.History.StampOf(0)] = point;
        }

        ws.HasMomentum = start.Momentum is not null;
        if (start.Momentum is { } momentum)
        {
            Array.Copy(momentum, ws.Momentum, x.Length);
        }

        ws.MomentumPrediction = start.MomentumPrediction;
        return start.Steps;
    }

    private static void OfferPrefix(Action<int, Func<SamplerState>>? prefixReady, SamplerSchedule plan, Workspace ws, double[] x, int batch, int steps)
    {
        if (prefixReady is not null && SamplerPrefix.CanCapture(plan, steps))
        {
            prefixReady(steps, () => Capture(plan, ws, x, batch, steps));
        }
    }

    private static SamplerState Capture(SamplerSchedule plan, Workspace ws, double[] x, int batch, int steps)
    {
        var history = ws.History;
        var points = new HistoryPoint[history.Count];
        var held = new HashSet<long>();
        for (var ago = history.Count - 1; ago >= 0; ago--)
        {
            var stamp = history.StampOf(ago);
            held.Add(stamp);
            if (!ws.Frozen.TryGetValue(stamp, out var copy))
            {
                var source = history[ago];
                copy = new HistoryPoint(x.Length) { T = source.T, Lambda = source.Lambda };
                Array.Copy(source.X0, copy.X0, x.Length);
                Array.Copy(source.Eps, copy.Eps, x.Length);
                ws.Frozen[stamp] = copy;
            }

            points[history.Count - 1 - ago] = copy;
        }

        foreach (var gone in ws.Frozen.Keys.Where(k => !held.Contains(k)).ToList())
        {
            ws.Frozen.Remove(gone);
        }

        var momentum = ws.HasMomentum ? (double[])ws.Momentum.Clone() : null;
        return new SamplerState(SamplerPrefix.Key(plan, steps), steps, batch, (double[])x.Clone(), points, momentum, ws.MomentumPrediction);
    }
}
