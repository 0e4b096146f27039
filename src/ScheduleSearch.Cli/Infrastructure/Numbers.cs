using System.Globalization;

namespace ScheduleSearch.Cli.Infrastructure;

/// <summary>Number formatting for everything the CLI prints: invariant culture, never the user's decimal comma.</summary>
public static class Numbers
{
    /// <summary>A score with 4 significant digits ("0.01234", "inf" for diverged).</summary>
    public static string Score(double value) =>
        double.IsPositiveInfinity(value) ? "inf" : double.IsNaN(value) ? "nan" : value.ToString("G4", CultureInfo.InvariantCulture);

    /// <summary>A score or "-" when absent.</summary>
    public static string Score(double? value) => value is { } v ? Score(v) : "-";

    /// <summary>A time with up to 4 significant digits.</summary>
    public static string Time(double value) => value.ToString("G4", CultureInfo.InvariantCulture);

    /// <summary>A relative change as a signed percentage ("-47.1%"), or "-" when undefined.</summary>
    public static string Reduction(double? found, double? baseline) =>
        found is { } f && baseline is { } b && b > 0 && double.IsFinite(f) && double.IsFinite(b)
            ? ((f - b) / b * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + "%"
            : "-";

    /// <summary>An integer, invariant.</summary>
    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);
}
