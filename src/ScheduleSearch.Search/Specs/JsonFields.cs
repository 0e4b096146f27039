using System.Globalization;
using System.Text.Json;

namespace ScheduleSearch.Search.Specs;

/// <summary>Strict reading of one JSON object: every field must be known, required ones present, types right.</summary>
internal sealed class JsonFields
{
    private readonly JsonElement element;
    private readonly string source;
    private readonly string path;

    public JsonFields(JsonElement element, string source, string path, params string[] known)
    {
        this.source = source;
        this.path = path;
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Error(path, $"must be a JSON object, not {Describe(element)}");
        }

        this.element = element;
        foreach (var property in element.EnumerateObject())
        {
            if (Array.IndexOf(known, property.Name) < 0)
            {
                throw Error(Field(property.Name), $"unknown field; expected one of {string.Join(", ", known)}");
            }
        }
    }

    public string Field(string name) => path.Length == 0 ? name : $"{path}.{name}";

    public SearchSpecException Error(string field, string reason) =>
        new($"{source}: {(field.Length == 0 ? "the spec" : field)}: {reason}");

    public bool Has(string name) => element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    public JsonElement Get(string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : throw Error(Field(name), "is required but missing");

    public JsonFields Object(string name, params string[] known) => new(Get(name), source, Field(name), known);

    public string String(string name)
    {
        var value = Get(name);
        return value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw Error(Field(name), $"must be a non-empty string, not {Describe(value)}");
    }

    public int Int(string name, int min)
    {
        var value = Get(name);
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            throw Error(Field(name), $"must be a whole number, not {Describe(value)}");
        }

        return number >= min ? number : throw Error(Field(name), $"is {number.ToString(CultureInfo.InvariantCulture)}; it must be at least {min.ToString(CultureInfo.InvariantCulture)}");
    }

    public int IntElement(JsonElement value, string field, int min)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            throw Error(field, $"must be a whole number, not {Describe(value)}");
        }

        return number >= min ? number : throw Error(field, $"is {number.ToString(CultureInfo.InvariantCulture)}; it must be at least {min.ToString(CultureInfo.InvariantCulture)}");
    }

    public double Double(string name, double minExclusive)
    {
        var value = Get(name);
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number))
        {
            throw Error(Field(name), $"must be a finite number, not {Describe(value)}");
        }

        return number > minExclusive ? number : throw Error(Field(name), $"is {number.ToString("R", CultureInfo.InvariantCulture)}; it must be above {minExclusive.ToString("R", CultureInfo.InvariantCulture)}");
    }

    public double DoubleElement(JsonElement value, string field)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number) || number < 0)
        {
            throw Error(field, $"must be a non-negative finite number, not {Describe(value)}");
        }

        return number;
    }

    public bool Bool(string name)
    {
        var value = Get(name);
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(Field(name), $"must be true or false, not {Describe(value)}"),
        };
    }

    /// <summary>A list, or a single value read as a one-element list.</summary>
    public IReadOnlyList<JsonElement> List(string name)
    {
        var value = Get(name);
        var items = value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToArray() : [value];
        return items.Length > 0 ? items : throw Error(Field(name), "must not be an empty list");
    }

    public IReadOnlyList<string> Strings(string name) =>
        List(name).Select((item, i) => item.ValueKind == JsonValueKind.String && item.GetString() is { Length: > 0 } text
            ? text
            : throw Error($"{Field(name)}[{i}]", $"must be a non-empty string, not {Describe(item)}")).ToArray();

    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{value.GetString()}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {value.GetRawText()}",
        _ => "null",
    };
}
