using System.Diagnostics;

namespace ScheduleSearch.Cli.Tests.Support;

/// <summary>
/// Finds a python3 that can import numpy: the one first on PATH, then Debian's /usr/bin/python3 (a pyenv python3
/// first on PATH often lacks numpy while the system one has it).
/// </summary>
public static class PythonLocator
{
    private static readonly Lazy<string?> Found = new(Search);

    /// <summary>The interpreter's path or command, or null when none with numpy exists.</summary>
    public static string? Python => Found.Value;

    /// <summary>Why tests that need Python are skipped.</summary>
    public const string SkipReason = "skipped: no python3 with numpy found (tried python3 on PATH and /usr/bin/python3); install python3-numpy to run it";

    private static string? Search()
    {
        foreach (var candidate in new[] { "python3", "/usr/bin/python3" })
        {
            try
            {
                var info = new ProcessStartInfo(candidate, ["-c", "import numpy"]) { RedirectStandardError = true, RedirectStandardOutput = true };
                using var process = Process.Start(info);
                if (process is null)
                {
                    continue;
                }

                process.StandardError.ReadToEnd();
                if (process.WaitForExit(30_000) && process.ExitCode == 0)
                {
                    return candidate;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not installed under this name.
            }
        }

        return null;
    }
}
