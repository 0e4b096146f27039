namespace ScheduleSearch.Storage;

/// <summary>
/// A database file is damaged (truncated, bit-flipped, a page or document that does not decode): the store refused
/// it before writing anything. The message is one sentence naming the file, what is damaged and what to do
/// (restore the backup, or salvage what is readable into a new file).
/// </summary>
public sealed class DatabaseDamagedException : ScoreStoreException
{
    /// <summary>Creates the exception for <paramref name="path"/> with what is damaged and what to do.</summary>
    public DatabaseDamagedException(string path, string damage, string remedy, Exception? innerException = null)
        : base($"database {path} is damaged: {damage}; nothing was changed: {remedy}", innerException ?? new InvalidDataException(damage))
    {
        DatabasePath = path;
        Damage = damage;
    }

    /// <summary>Creates the exception with a generic message (for serializers and tooling).</summary>
    public DatabaseDamagedException()
        : base("database is damaged")
    {
        DatabasePath = string.Empty;
        Damage = string.Empty;
    }

    /// <summary>Creates the exception with its message and cause (for serializers and tooling).</summary>
    public DatabaseDamagedException(string message, Exception innerException)
        : base(message, innerException)
    {
        DatabasePath = string.Empty;
        Damage = message;
    }

    /// <summary>The damaged file.</summary>
    public string DatabasePath { get; }

    /// <summary>What is damaged, in words ("page 12 ... ", "evaluation K ...").</summary>
    public string Damage { get; }
}
