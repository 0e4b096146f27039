using System.Globalization;

namespace ScheduleSearch.Bench.SearchQuality;

/// <summary>The "--name value" pairs a sub-bench (--zoo, --suite) takes, read with defaults.</summary>
public sealed class BenchOptions
{
    private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);

    /// <summary>Reads <paramref name="args"/> as pairs of --option value.</summary>
    public BenchOptions(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }
    }

    /// <summary>True when <paramref name="name"/> was given.</summary>
    public bool Has(string name) => values.ContainsKey(name);

    /// <summary>The text of <paramref name="name"/>, or <paramref name="fallback"/>.</summary>
    public string Text(string name, string fallback) => values.TryGetValue(name, out var v) ? v : fallback;

    /// <summary>The integer <paramref name="name"/>, or <paramref name="fallback"/>.</summary>
    public int Int(string name, int fallback) => int.Parse(Text(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    /// <summary>The comma-separated integers <paramref name="name"/>, or those of <paramref name="fallback"/>.</summary>
    public int[] Ints(string name, string fallback) =>
        [.. Text(name, fallback).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
}
