using System.Globalization;

namespace ScheduleSearch.Bench.Cost;

/// <summary>The bench's "--name value" options, with defaults.</summary>
internal sealed class BenchOptions
{
    private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);

    public BenchOptions(string[] args)
    {
        if (args.Length % 2 != 0 || args.Where((_, i) => i % 2 == 0).Any(a => !a.StartsWith("--", StringComparison.Ordinal)))
        {
            throw new ArgumentException("options come in pairs: --name value");
        }

        for (var i = 0; i < args.Length; i += 2)
        {
            values[args[i][2..]] = args[i + 1];
        }
    }

    public string Text(string name, string fallback) => values.GetValueOrDefault(name, fallback);

    public int Int(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public double Number(string name, double fallback) => values.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public string[] List(string name, string fallback) => Text(name, fallback).Split(',', StringSplitOptions.RemoveEmptyEntries);

    public bool Has(string name) => values.ContainsKey(name);
}
