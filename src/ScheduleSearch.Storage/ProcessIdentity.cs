using System.Globalization;

namespace ScheduleSearch.Storage;

/// <summary>A process on a machine: the owner of a search or of a database's writer lock.</summary>
/// <param name="ProcessId">The operating system's process id.</param>
/// <param name="HostName">The machine name (<see cref="Environment.MachineName"/>).</param>
public sealed record ProcessIdentity(int ProcessId, string HostName)
{
    /// <summary>This process.</summary>
    public static ProcessIdentity Current { get; } = new(Environment.ProcessId, Environment.MachineName);

    /// <summary>"pid N on host H", the form used in messages.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"pid {ProcessId} on host {HostName}");
}
