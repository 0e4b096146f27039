using System.Collections.Concurrent;
using System.Diagnostics;

namespace ScheduleSearch.Cli.Tests.Support;

/// <summary>A started CLI process whose output lines are collected as they come.</summary>
public sealed class WatchedProcess
{
    private readonly ConcurrentQueue<string> lines = new();
    private readonly SemaphoreSlim arrived = new(0);
    private int seen;

    /// <summary>Starts collecting <paramref name="process"/>'s stdout and stderr lines.</summary>
    public WatchedProcess(Process process)
    {
        Process = process;
        _ = Task.Run(() => Pump(process.StandardOutput));
        _ = Task.Run(() => Pump(process.StandardError));
    }

    /// <summary>The process watched.</summary>
    public Process Process { get; }

    /// <summary>Waits until a line not yet looked at satisfies <paramref name="predicate"/>; false after <paramref name="timeout"/>.</summary>
    public bool WaitFor(Func<string, bool> predicate, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            var all = lines.ToArray();
            while (seen < all.Length)
            {
                if (predicate(all[seen++]))
                {
                    return true;
                }
            }

            if (Process.HasExited && lines.Count == seen)
            {
                return false;
            }

            arrived.Wait(TimeSpan.FromMilliseconds(100));
        }

        return false;
    }

    /// <summary>Every line collected so far.</summary>
    public override string ToString() => string.Join('\n', lines);

    private void Pump(StreamReader reader)
    {
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lines.Enqueue(line);
            arrived.Release();
        }
    }
}
