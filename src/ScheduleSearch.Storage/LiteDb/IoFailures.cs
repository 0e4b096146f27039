namespace ScheduleSearch.Storage.LiteDb;

/// <summary>
/// Recognises the machine refusing a file operation (no space left, a read-only file system, permission denied)
/// wherever LiteDB or .NET wrapped it, and says it as one line naming the path and what to do.
/// </summary>
internal static class IoFailures
{
    // errno values on Linux; .NET puts the raw errno in IOException.HResult for the errors it has no type for.
    private const int NoSpace = 28;
    private const int ReadOnlyFileSystem = 30;
    private const int QuotaExceeded = 122;

    /// <summary>The plain error for <paramref name="exception"/>, or null when it is not a refusal by the machine.</summary>
    public static StorageIoException? Translate(Exception exception, string path)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is StorageIoException known)
            {
                return known;
            }

            if (e is UnauthorizedAccessException)
            {
                return new StorageIoException(
                    $"permission denied on {path} (or its folder): give this user write access to both, or choose another --db; nothing stored was lost, and the same command resumes the search",
                    exception);
            }

            if (e is IOException io)
            {
                var message = io.Message;
                if (io.HResult is NoSpace or QuotaExceeded || message.Contains("No space left", StringComparison.OrdinalIgnoreCase)
                    || message.Contains("quota exceeded", StringComparison.OrdinalIgnoreCase))
                {
                    return new StorageIoException(
                        $"no space left on the disk holding {path}: free space there (or move the database with its -log file to a disk with room) and run the same command again; nothing stored was lost, and the search resumes where it stopped",
                        exception);
                }

                if (io.HResult == ReadOnlyFileSystem || message.Contains("Read-only file system", StringComparison.OrdinalIgnoreCase))
                {
                    return new StorageIoException(
                        $"{path} is on a read-only file system: remount it writable (or copy the database to a writable disk and pass --db there) and run the same command again; nothing stored was lost",
                        exception);
                }
            }
        }

        return null;
    }
}
