using System.Globalization;
using System.Text.Json;
using ScheduleSearch.Core.Json;

namespace ScheduleSearch.Search.Specs;

/// <summary>
/// The spec's own value rules on top of Core's strict-JSON reading: strings are non-empty, numbers have lower
/// bounds, and a list may be written as its single value.
/// </summary>
internal static class SpecFields
{
    /// <summary>A spec object (or the document) at <paramref name="path"/>, refusing fields outside <paramref name="known"/>.</summary>
    public static StrictJsonObject Read(JsonElement element, string source, string path, params string[] known) =>
        new(element, path, source, SpecJsonDialect.Instance, known);

    /// <summary>A required nested object with its known fields.</summary>
    public static StrictJsonObject Object(this StrictJsonObject f, string name, params string[] known) => f.RequiredObject(name, known);

    /// <summary>A required non-empty string.</summary>
    public static string String(this StrictJsonObject f, string name)
    {
        var value = f.Required(name);
        return value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw f.Dialect.WrongType(f.Source, f.FieldPath(name), value, JsonExpectation.String);
    }

    /// <summary>A required whole number of at least <paramref name="min"/>.</summary>
    public static int Int(this StrictJsonObject f, string name, int min) => f.IntElement(f.Required(name), f.FieldPath(name), min);

    /// <summary>A whole number of at least <paramref name="min"/> found at <paramref name="field"/>.</summary>
    public static int IntElement(this StrictJsonObject f, JsonElement value, string field, int min)
    {
        var number = f.AsInt(value, field);
        return number >= min ? number : throw f.Error(field, $"is {number.ToString(CultureInfo.InvariantCulture)}; it must be at least {min.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>A required finite number above <paramref name="minExclusive"/>.</summary>
    public static double Double(this StrictJsonObject f, string name, double minExclusive)
    {
        var number = f.RequiredDouble(name);
        return number > minExclusive ? number : throw f.Error(f.FieldPath(name), $"is {number.ToString("R", CultureInfo.InvariantCulture)}; it must be above {minExclusive.ToString("R", CultureInfo.InvariantCulture)}");
    }

    /// <summary>A non-negative finite number found at <paramref name="field"/>.</summary>
    public static double DoubleElement(this StrictJsonObject f, JsonElement value, string field)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number) || number < 0)
        {
            throw f.Error(field, $"must be a non-negative finite number, not {SpecJsonDialect.Describe(value)}");
        }

        return number;
    }

    /// <summary>A required true/false field.</summary>
    public static bool Bool(this StrictJsonObject f, string name) => f.RequiredBool(name);

    /// <summary>A list, or a single value read as a one-element list.</summary>
    public static IReadOnlyList<JsonElement> List(this StrictJsonObject f, string name)
    {
        var value = f.Required(name);
        var items = value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToArray() : [value];
        return items.Length > 0 ? items : throw f.Error(f.FieldPath(name), "must not be an empty list");
    }

    /// <summary>A list of non-empty strings, or one string.</summary>
    public static IReadOnlyList<string> Strings(this StrictJsonObject f, string name) =>
        f.List(name).Select((item, i) => item.ValueKind == JsonValueKind.String && item.GetString() is { Length: > 0 } text
            ? text
            : throw f.Dialect.WrongType(f.Source, $"{f.FieldPath(name)}[{i}]", item, JsonExpectation.String)).ToArray();
}
