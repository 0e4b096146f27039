using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using ScheduleSearch.Core.Schedules;

namespace ScheduleSearch.Evaluation.Cost;

/// <summary>
/// Measured model time per sample of one call, per model variant, on one device at one batch size (issue 9's cost
/// objective). A schedule's cost is the sum over its model calls of the calling variant's time
/// (<see cref="CostOf"/>); measure with <see cref="ModelCallTimer"/>, keep with a search through
/// <see cref="ModelCallTimesStore"/> so that a resumed search uses the same figures.
/// </summary>
public sealed record ModelCallTimes
{
    /// <summary>The name the card's primary network goes by here (variant names are never empty).</summary>
    public const string Primary = "";

    /// <summary>Milliseconds of model time per sample per call, by variant name (<see cref="Primary"/> included).</summary>
    public required ImmutableSortedDictionary<string, double> MillisecondsPerSample { get; init; }

    /// <summary>Samples per model call when measured (the evaluator's batch; guidance's doubled rows are inside the call).</summary>
    public required int Batch { get; init; }

    /// <summary>Where it was measured (free text, e.g. "cpu, 2 threads").</summary>
    public string Device { get; init; } = string.Empty;

    /// <summary>Model time per sample of <paramref name="schedule"/> in milliseconds (every call, correctors included).</summary>
    /// <exception cref="ArgumentException">The schedule names a variant with no measured time.</exception>
    public double CostOf(SamplerSchedule schedule)
    {
        var total = 0.0;
        foreach (var (name, calls) in ModelCalls.PerModel(schedule))
        {
            total += calls * (MillisecondsPerSample.TryGetValue(name, out var ms)
                ? ms
                : throw new ArgumentException($"no measured time for model variant '{name}'; measured: {string.Join(", ", MillisecondsPerSample.Keys.Select(Label))}", nameof(schedule)));
        }

        return total;
    }

    /// <summary>
    /// <see cref="CostOf"/>, or null for a schedule it cannot price (a variant with no measured time, or a schedule
    /// whose calls cannot be counted).
    /// </summary>
    public double? TryCostOf(SamplerSchedule schedule)
    {
        try
        {
            return CostOf(schedule);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>The cheapest variant per call (the primary on ties).</summary>
    public string Cheapest => MillisecondsPerSample.OrderBy(p => p.Value).ThenBy(p => p.Key.Length == 0 ? 0 : 1).First().Key;

    /// <summary>The name as printed: "primary" for <see cref="Primary"/>.</summary>
    public static string Label(string name) => string.IsNullOrEmpty(name) ? "primary" : name;

    /// <summary>JSON: {"batch": B, "device": "...", "ms_per_sample": {"primary": x, "small": y}}.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteNumber("batch", Batch);
            w.WriteString("device", Device);
            w.WriteStartObject("ms_per_sample");
            foreach (var (name, ms) in MillisecondsPerSample)
            {
                w.WriteNumber(Label(name), ms);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Reads <see cref="ToJson"/>'s form.</summary>
    public static ModelCallTimes FromJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var times = ImmutableSortedDictionary.CreateBuilder<string, double>(StringComparer.Ordinal);
        foreach (var p in root.GetProperty("ms_per_sample").EnumerateObject())
        {
            times[p.Name == "primary" ? Primary : p.Name] = p.Value.GetDouble();
        }

        return new ModelCallTimes
        {
            MillisecondsPerSample = times.ToImmutable(),
            Batch = root.GetProperty("batch").GetInt32(),
            Device = root.TryGetProperty("device", out var d) ? d.GetString() ?? string.Empty : string.Empty,
        };
    }

    /// <summary>One line: "primary 1.23 ms, small 0.31 ms per sample per call (batch 128, cpu)".</summary>
    public override string ToString() =>
        string.Join(", ", MillisecondsPerSample.Select(p => Label(p.Key) + " " + p.Value.ToString("G4", CultureInfo.InvariantCulture) + " ms"))
        + string.Create(CultureInfo.InvariantCulture, $" per sample per call (batch {Batch}{(Device.Length > 0 ? ", " + Device : string.Empty)})");

    /// <summary>Value equality over the times.</summary>
    public bool Equals(ModelCallTimes? other) =>
        other is not null && Batch == other.Batch && Device == other.Device && MillisecondsPerSample.SequenceEqual(other.MillisecondsPerSample);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Batch, MillisecondsPerSample.Count);
}
