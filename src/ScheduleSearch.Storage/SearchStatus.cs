namespace ScheduleSearch.Storage;

/// <summary>The state of a search as a reader sees it (derived at read time, see <see cref="IScoreStore"/>).</summary>
public enum SearchStatus
{
    /// <summary>Its owner process holds the database and sent a heartbeat within the timeout.</summary>
    Running,

    /// <summary>It used its budget or its generator stopped; ended with <see cref="IScoreStore.EndSearch"/>.</summary>
    Finished,

    /// <summary>Stopped before the end: Ctrl+C, or its process died (no heartbeat, no lock); resuming continues it.</summary>
    Interrupted,

    /// <summary>Stopped by an error that resuming would repeat (a bad spec, a broken model).</summary>
    Failed,
}
