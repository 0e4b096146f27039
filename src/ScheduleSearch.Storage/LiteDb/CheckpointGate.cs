using System.Diagnostics;

namespace ScheduleSearch.Storage.LiteDb;

/// <summary>
/// Readers of a live database and its writer's checkpoints exclude each other through "PATH.checkpoint": a reader
/// holds it with a shared OS lock for the whole of one read (a .NET read-only open that shares writing is
/// flock(LOCK_SH) on Unix), the writer takes it exclusively (FileShare.None: flock(LOCK_EX)) for each checkpoint.
/// A checkpoint copies the log into the data file and then starts the log again from its first byte; a reader
/// that built its index of the log before and reads pages after would mix two states of the file (a history link
/// whose evaluation "is missing"). Between checkpoints the writer only appends to the log, which a reader's index
/// never points past. The writer makes the file when it opens the database and never deletes it (as with the
/// lock file); readers never create it: without it no writer of this version is running, so none checkpoints.
/// Neither side ever waits long: a checkpoint that finds readers is put off (or, when the writer closes, goes on
/// after a few seconds), and a reader that finds a checkpoint waits for it to end.
/// </summary>
internal static class CheckpointGate
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(5);

    /// <summary>The gate file of the database at <paramref name="path"/>.</summary>
    public static string PathOf(string path) => path + ".checkpoint";

    /// <summary>Makes the gate file when it is missing (the writer, as it opens the database).</summary>
    public static void Create(string path)
    {
        using var _ = new FileStream(PathOf(path), FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
    }

    /// <summary>
    /// Holds the gate for one read: waits while a checkpoint runs (up to <paramref name="wait"/>); null when there is
    /// no gate file, or the wait ran out (the read then goes on unguarded and the reader's retries cover it).
    /// </summary>
    public static IDisposable? EnterRead(string path, TimeSpan wait)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(PathOf(path), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            }
            catch (FileNotFoundException)
            {
                return null;
            }
            catch (DirectoryNotFoundException)
            {
                return null;
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }
            catch (IOException) when (clock.Elapsed < wait)
            {
                Thread.Sleep(Poll);
            }
            catch (IOException)
            {
                return null;
            }
        }
    }

    /// <summary>Holds the gate for one checkpoint, or returns null when readers held it for all of <paramref name="wait"/>.</summary>
    public static IDisposable? TryEnterCheckpoint(string path, TimeSpan wait)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(PathOf(path), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (clock.Elapsed < wait)
            {
                Thread.Sleep(Poll);
            }
            catch (IOException)
            {
                return null;
            }
        }
    }
}
