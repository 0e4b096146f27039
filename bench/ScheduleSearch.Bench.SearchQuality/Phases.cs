using System.Globalization;

namespace ScheduleSearch.Bench.SearchQuality;

/// <summary>A bench's <c>--phases KIND:FRACTION,...</c>: catalog generators run one after another (<c>CompositeGenerator</c>).</summary>
public static class Phases
{
    /// <summary>The phases of <paramref name="text"/> (empty for an empty text); a malformed entry is refused naming it.</summary>
    public static (string Kind, double Fraction)[] Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(entry =>
            entry.Split(':') is [var kind, var fraction] && double.TryParse(fraction, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && f > 0
                ? (kind, f)
                : throw new ArgumentException($"--phases entry '{entry}' is not KIND:FRACTION with a fraction above 0 (e.g. evolutionary:0.6)", nameof(text)))];
    }

    /// <summary>How a run line names <paramref name="phases"/> ("kind 0.60->kind 0.40").</summary>
    public static string Describe(IEnumerable<(string Kind, double Fraction)> phases) =>
        string.Join("->", phases.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Kind} {p.Fraction:F2}")));
}
