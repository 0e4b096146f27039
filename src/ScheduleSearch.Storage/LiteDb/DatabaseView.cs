using LiteDB;

namespace ScheduleSearch.Storage.LiteDb;

/// <summary>A database opened for one read over <see cref="ReadOnlyPageView"/>s, holding the <see cref="CheckpointGate"/>; disposing closes them all.</summary>
internal sealed class DatabaseView(LiteDatabase db, Stream data, Stream log, IDisposable? checkpointGate) : IDisposable
{
    /// <summary>The database.</summary>
    public LiteDatabase Db { get; } = db;

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Db.Dispose();
        }
        finally
        {
            data.Dispose();
            log.Dispose();
            checkpointGate?.Dispose();
        }
    }
}
