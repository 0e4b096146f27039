using System.Diagnostics;
using System.Text;

namespace ScheduleSearch.Storage.LiteDb;

/// <summary>
/// The one-writer-per-file rule: an exclusive OS lock on "PATH.lock" (FileShare.None, which .NET turns into
/// flock(LOCK_EX) on Unix, so it holds between processes and between two opens in one process) and "PATH.owner"
/// naming the holder. The lock file is never deleted (deleting a lock file races with a process about to lock
/// it); a dead holder's lock is released by the OS, and its leftover owner file tells us to say so.
/// </summary>
internal sealed class WriterLock : IDisposable
{
    private readonly string path;
    private readonly FileStream lockFile;

    private WriterLock(string path, FileStream lockStream, string? notice)
    {
        this.path = path;
        lockFile = lockStream;
        Notice = notice;
    }

    /// <summary>A sentence for the user when a stale lock was taken over, else null.</summary>
    public string? Notice { get; }

    /// <summary>Takes the lock or throws <see cref="DatabaseInUseException"/> after retrying for <paramref name="wait"/>.</summary>
    public static WriterLock Acquire(string path, TimeSpan wait, TimeProvider clock)
    {
        var stopwatch = Stopwatch.StartNew();
        FileStream? stream = null;
        while (stream is null)
        {
            try
            {
                stream = new FileStream(LiteDbFiles.LockPath(path), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (stopwatch.Elapsed < wait)
            {
                Thread.Sleep(20);
            }
            catch (IOException ex)
            {
                throw new DatabaseInUseException($"database {path} is in use by {LiteDbFiles.ReadOwner(path)?.ToString() ?? "another process"}", ex);
            }
        }

        try
        {
            var me = ProcessIdentity.Current;
            var previous = LiteDbFiles.ReadOwner(path);
            string? notice = null;
            if (previous is not null && previous.HostName != me.HostName)
            {
                throw new ScoreStoreException(
                    $"database {path} was opened by {previous} and not closed; a lock from another machine cannot be checked here: if that process has ended, delete {LiteDbFiles.OwnerPath(path)}");
            }

            if (previous is not null)
            {
                notice = $"database {path}: took over the lock of {previous}, which ended without closing it{(IsRunning(previous.ProcessId) ? " (that pid now belongs to another process)" : string.Empty)}";
            }

            stream.SetLength(0);
            stream.Write(Encoding.UTF8.GetBytes(me + "\n"));
            stream.Flush(flushToDisk: true);
            LiteDbFiles.WriteOwner(path, me, clock.GetUtcNow());
            return new WriterLock(path, stream, notice);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Removes the owner file, then releases the lock (in that order, so nobody sees a free lock with an owner).</summary>
    public void Dispose()
    {
        try
        {
            File.Delete(LiteDbFiles.OwnerPath(path));
            lockFile.SetLength(0);
        }
        finally
        {
            lockFile.Dispose();
        }
    }

    /// <summary>For tests: releases the OS lock but leaves the owner file, as a killed process does.</summary>
    public void AbandonForTests() => lockFile.Dispose();

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
