using System.Globalization;

namespace ScheduleSearch.Storage.LiteDb;

/// <summary>
/// The backup of a database: one consistent copy beside it, "PATH.backup" (not "*.db", so <c>list</c> does not
/// take it for a database of its own), replaced atomically each time. Damage messages and <c>db check</c> name it.
/// </summary>
public static class LiteDbBackup
{
    /// <summary>What is appended to the database's path.</summary>
    public const string Suffix = ".backup";

    private const string TempMark = ".tmp-";

    /// <summary>The backup of <paramref name="path"/>.</summary>
    public static string PathFor(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return path + Suffix;
    }

    /// <summary>"PATH.backup (written 2026-01-02 03:04 UTC)" when the backup exists, else null.</summary>
    public static string? Describe(string path)
    {
        var backup = PathFor(path);
        return File.Exists(backup)
            ? string.Create(CultureInfo.InvariantCulture, $"{backup} (written {File.GetLastWriteTimeUtc(backup):yyyy-MM-dd HH:mm} UTC)")
            : null;
    }

    /// <summary>What to do about a damaged <paramref name="path"/>: restore its backup when there is one, or salvage.</summary>
    public static string Remedy(string path)
    {
        var salvage = $"copy what is readable into a new database with: schedule-search db check {path} --salvage NEW.db";
        return Describe(path) is { } backup
            ? $"restore the backup {backup} by moving it over {path} (and deleting {LiteDbFiles.LogPath(path)} if present), or {salvage}"
            : $"restore it from a backup, or {salvage}";
    }

    /// <summary>
    /// Deletes the temporary copies a writer killed during a backup left ("PATH.backup.tmp-PID"); only the writer
    /// makes them, so the next writer, holding the lock, knows every one is stale.
    /// </summary>
    internal static void RemoveLeftovers(string path)
    {
        var folder = Path.GetDirectoryName(path) ?? ".";
        foreach (var leftover in Directory.EnumerateFiles(folder, Path.GetFileName(PathFor(path)) + TempMark + "*"))
        {
            File.Delete(leftover);
        }
    }

    /// <summary>
    /// Copies the data file (the caller has checkpointed the log into it and holds the write lock) to a temporary
    /// name, flushes it to disk and renames it over the previous backup, so a crash leaves the old backup or the new one.
    /// </summary>
    internal static string Write(string path)
    {
        var backup = PathFor(path);
        var temp = backup + TempMark + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        try
        {
            using (var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            using (var target = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                source.CopyTo(target);
                target.Flush(flushToDisk: true);
            }

            File.Move(temp, backup, overwrite: true);
            return backup;
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
