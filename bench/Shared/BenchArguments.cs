using System.Globalization;

namespace ScheduleSearch.Bench;

/// <summary>
/// A bench's command line, <c>--name value</c> pairs read with defaults. Creating it makes the invariant culture the
/// process's, so printed figures read the same on every machine.
/// </summary>
internal sealed class BenchArguments
{
    private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);

    /// <summary>Reads <paramref name="args"/>.</summary>
    public BenchArguments(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }
    }

    /// <summary>True when <c>--name</c> was given.</summary>
    public bool Has(string name) => values.ContainsKey(name);

    /// <summary>The value of <c>--name</c>, or <paramref name="fallback"/>.</summary>
    public string Text(string name, string fallback) => values.TryGetValue(name, out var v) ? v : fallback;

    /// <summary>The integer value of <c>--name</c>, or <paramref name="fallback"/>.</summary>
    public int Int(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
