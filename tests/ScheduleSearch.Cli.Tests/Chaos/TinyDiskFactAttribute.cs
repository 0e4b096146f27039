namespace ScheduleSearch.Cli.Tests.Chaos;

/// <summary>A fact reported as skipped, with the reason, where no tmpfs can be mounted (<see cref="TinyDisk.SkipReason"/>).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class TinyDiskFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when no tmpfs can be mounted.</summary>
    public TinyDiskFactAttribute()
    {
        if (TinyDisk.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
