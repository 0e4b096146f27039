using System.Globalization;
using System.Text.Json;

namespace ScheduleSearch.Storage.LiteDb;

/// <summary>The files that make one LiteDB database (data, write-ahead log, lock, owner) and the live-writer probe.</summary>
internal static class LiteDbFiles
{
    /// <summary>LiteDB's page size: data and log files are whole pages.</summary>
    public const int PageSize = 8192;

    /// <summary>LiteDB's write-ahead log: "name-log.ext" next to "name.ext".</summary>
    public static string LogPath(string path) =>
        Path.Combine(Path.GetDirectoryName(path) ?? ".", Path.GetFileNameWithoutExtension(path) + "-log" + Path.GetExtension(path));

    /// <summary>The file a writer holds with an exclusive OS lock (FileShare.None: flock LOCK_EX on Unix).</summary>
    public static string LockPath(string path) => path + ".lock";

    /// <summary>Who holds the lock, readable by anyone (the lock file itself cannot be opened by others while locked).</summary>
    public static string OwnerPath(string path) => path + ".owner";

    /// <summary>Reads the owner file, or null when it is absent or unreadable.</summary>
    public static ProcessIdentity? ReadOwner(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(OwnerPath(path)));
            return new ProcessIdentity(doc.RootElement.GetProperty("pid").GetInt32(), doc.RootElement.GetProperty("host").GetString() ?? "?");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Writes the owner file atomically (temporary file, then rename).</summary>
    public static void WriteOwner(string path, ProcessIdentity owner, DateTimeOffset since)
    {
        var temp = OwnerPath(path) + ".tmp-" + owner.ProcessId.ToString(CultureInfo.InvariantCulture);
        using (var stream = File.Create(temp))
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteNumber("pid", owner.ProcessId);
            w.WriteString("host", owner.HostName);
            w.WriteString("since", since.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }

        File.Move(temp, OwnerPath(path), overwrite: true);
    }

    /// <summary>
    /// The process holding the writer lock, or null when none does. Probes with a shared lock for an instant (a
    /// writer opening at that moment retries, see <see cref="ScoreStoreOptions.LockWait"/>); never creates files.
    /// </summary>
    public static ProcessIdentity? ProbeLiveWriter(string path)
    {
        try
        {
            using var probe = new FileStream(LockPath(path), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return null;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (IOException)
        {
            return ReadOwner(path) ?? new ProcessIdentity(0, "(unknown)");
        }
    }
}
