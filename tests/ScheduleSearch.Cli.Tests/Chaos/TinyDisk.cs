using System.Diagnostics;

namespace ScheduleSearch.Cli.Tests.Chaos;

/// <summary>
/// A real, tiny file system: a 512 KiB tmpfs mounted on a new folder (root only), unmounted and removed on dispose.
/// <see cref="SkipReason"/> says why there is none on this machine (not root, or mount refused), once per process.
/// </summary>
public sealed class TinyDisk : IDisposable
{
    private static readonly Lazy<string?> Unavailable = new(Probe);

    private TinyDisk(string path) => Path = path;

    /// <summary>Null when tmpfs can be mounted here, else the reason the full-disk test is skipped.</summary>
    public static string? SkipReason => Unavailable.Value;

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>Mounts a new tmpfs of <paramref name="size"/> (mount's size option, e.g. 512k).</summary>
    public static TinyDisk Mount(string size)
    {
        var path = Directory.CreateTempSubdirectory("schedule-search-tinydisk.").FullName;
        var error = Exec("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", path);
        if (error is not null)
        {
            Directory.Delete(path);
            throw new InvalidOperationException(error);
        }

        return new TinyDisk(path);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Exec("umount", Path) is null)
        {
            Directory.Delete(Path, recursive: true);
        }
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            return "the full-disk chaos test mounts a 512 KiB tmpfs, which needs root on Linux (run the tests as root to include it)";
        }

        try
        {
            Mount("512k").Dispose();
            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return "the full-disk chaos test could not mount a tmpfs here (a container without CAP_SYS_ADMIN?): " + ex.Message;
        }
    }

    private static string? Exec(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + program);
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? null : $"{program} {string.Join(' ', args)} failed (exit {process.ExitCode}): {stderr.Result.Trim()}";
    }
}
