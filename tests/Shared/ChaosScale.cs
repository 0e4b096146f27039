using System.Globalization;

namespace ScheduleSearch.Tests.Shared;

/// <summary>
/// How big the chaos suite runs (its tests carry the trait Category=Chaos). CI runs it at 1, sized to about 90 s
/// on a quiet 2-core machine; <see cref="Variable"/>=N multiplies its kills and damaged files by N to run it bigger
/// locally, e.g. <c>SCHEDULE_SEARCH_CHAOS_SCALE=10 dotnet test ... --filter Category=Chaos</c>.
/// </summary>
public static class ChaosScale
{
    /// <summary>The environment variable holding the multiplier.</summary>
    public const string Variable = "SCHEDULE_SEARCH_CHAOS_SCALE";

    /// <summary>The trait name and value the chaos tests carry.</summary>
    public const string Trait = "Category";

    /// <summary>The trait value.</summary>
    public const string Category = "Chaos";

    /// <summary>The multiplier (1 unless <see cref="Variable"/> holds a larger whole number).</summary>
    public static int Factor { get; } =
        int.TryParse(Environment.GetEnvironmentVariable(Variable), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 1 ? n : 1;

    /// <summary><paramref name="count"/> cases at scale 1, times <see cref="Factor"/>.</summary>
    public static int Of(int count) => count * Factor;
}
