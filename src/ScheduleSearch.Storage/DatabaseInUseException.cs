namespace ScheduleSearch.Storage;

/// <summary>A second writer tried to open a database that another live process holds.</summary>
public sealed class DatabaseInUseException : ScoreStoreException
{
    /// <summary>Creates the exception: "database PATH is in use by pid N on host H".</summary>
    public DatabaseInUseException(string path, ProcessIdentity? owner)
        : base(owner is null
            ? $"database {path} is in use by another process (its owner has not written {path}.owner yet)"
            : $"database {path} is in use by {owner}")
    {
        DatabasePath = path;
        Owner = owner;
    }

    /// <summary>Creates the exception with a generic message (for serializers and tooling).</summary>
    public DatabaseInUseException()
        : base("database is in use by another process")
    {
        DatabasePath = string.Empty;
    }

    /// <summary>Creates the exception with a message and cause (for serializers and tooling).</summary>
    public DatabaseInUseException(string message, Exception innerException)
        : base(message, innerException)
    {
        DatabasePath = string.Empty;
    }

    /// <summary>The database file.</summary>
    public string DatabasePath { get; }

    /// <summary>The process that holds it, where it could be read.</summary>
    public ProcessIdentity? Owner { get; }
}
