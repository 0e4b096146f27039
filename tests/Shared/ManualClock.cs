namespace ScheduleSearch.Tests.Shared;

/// <summary>A clock the test moves by hand. One file, compiled into every test project that needs it.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset now = start;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => now;

    /// <summary>Moves the clock forward.</summary>
    public void Advance(TimeSpan by) => now += by;
}
