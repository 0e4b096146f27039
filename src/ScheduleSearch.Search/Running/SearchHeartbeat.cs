using ScheduleSearch.Storage;

namespace ScheduleSearch.Search.Running;

/// <summary>
/// Keeps a running search's heartbeat fresh on a timer, whatever the run is doing: a teacher reference or one batch
/// on a large model can take longer than the store's heartbeat timeout, and between two beats from the search loop
/// readers would call the search interrupted while its process works. Disposed before the search ends, so no beat
/// follows the final status. A failed beat is skipped (the run's own writes report the store's errors).
/// </summary>
internal sealed class SearchHeartbeat : IDisposable
{
    private readonly Lock gate = new();
    private readonly IScoreStore store;
    private readonly string name;
    private readonly ITimer timer;
    private bool disposed;

    /// <summary>Beats every <paramref name="interval"/> of <paramref name="clock"/> from now on.</summary>
    public SearchHeartbeat(IScoreStore store, string name, TimeProvider clock, TimeSpan interval)
    {
        this.store = store;
        this.name = name;
        timer = clock.CreateTimer(_ => Beat(), null, interval, interval);
    }

    /// <summary>Stops beating; returns after a beat in progress has ended.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
            timer.Dispose();
        }
    }

    private void Beat()
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            try
            {
                store.Heartbeat(name);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Skipped: a missed beat is harmless while the next lands within the timeout, and a store that
                // fails for good fails the run's next write with its own message.
            }
        }
    }
}
