using System.Globalization;
using System.Text.Json;

namespace ScheduleSearch.Models.Cards;

/// <summary>
/// Reads one JSON object field by field and, at <see cref="EnsureNoUnknownFields"/>, refuses every field that was not
/// asked for (FORMATS.md: unknown and missing fields are rejected with their names). Paths such as "inputs.time"
/// name the field in errors.
/// </summary>
internal sealed class StrictJsonObject
{
    private readonly JsonElement element;
    private readonly string path;
    private readonly string source;
    private readonly HashSet<string> read = new(StringComparer.Ordinal);

    public StrictJsonObject(JsonElement element, string path, string source)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new ModelCardException($"{source}: {Describe(path)} must be a JSON object, not {element.ValueKind}");
        }

        this.element = element;
        this.path = path;
        this.source = source;
    }

    public string Source => source;

    public string FieldPath(string name) => path.Length == 0 ? name : $"{path}.{name}";

    public bool Has(string name) => element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    public JsonElement? Optional(string name)
    {
        read.Add(name);
        return element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
    }

    public JsonElement Required(string name)
    {
        read.Add(name);
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw new ModelCardException($"{source}: missing required field '{FieldPath(name)}'");
        }

        return value;
    }

    public string RequiredString(string name) => AsString(Required(name), name);

    public string? OptionalString(string name) => Optional(name) is { } v ? AsString(v, name) : null;

    public double RequiredDouble(string name) => AsDouble(Required(name), name);

    public double OptionalDouble(string name, double fallback) => Optional(name) is { } v ? AsDouble(v, name) : fallback;

    public int RequiredInt(string name) => AsInt(Required(name), name);

    public int OptionalInt(string name, int fallback) => Optional(name) is { } v ? AsInt(v, name) : fallback;

    public StrictJsonObject RequiredObject(string name) => new(Required(name), FieldPath(name), source);

    public StrictJsonObject? OptionalObject(string name) =>
        Optional(name) is { } v ? new StrictJsonObject(v, FieldPath(name), source) : null;

    public int[] RequiredIntArray(string name)
    {
        var value = Required(name);
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new ModelCardException($"{source}: '{FieldPath(name)}' must be an array of integers");
        }

        return value.EnumerateArray().Select((e, i) => AsInt(e, $"{name}[{i}]")).ToArray();
    }

    public void EnsureNoUnknownFields()
    {
        foreach (var property in element.EnumerateObject())
        {
            if (!read.Contains(property.Name))
            {
                var known = string.Join(", ", read.Order(StringComparer.Ordinal));
                throw new ModelCardException($"{source}: unknown field '{FieldPath(property.Name)}' (known fields here: {known})");
            }
        }
    }

    private static string Describe(string path) => path.Length == 0 ? "the document" : $"'{path}'";

    private string AsString(JsonElement value, string name) => value.ValueKind == JsonValueKind.String
        ? value.GetString()!
        : throw new ModelCardException($"{source}: '{FieldPath(name)}' must be a string, not {value.ValueKind}");

    private double AsDouble(JsonElement value, string name) => value.ValueKind == JsonValueKind.Number
        ? value.GetDouble()
        : throw new ModelCardException($"{source}: '{FieldPath(name)}' must be a number, not {value.ValueKind}");

    private int AsInt(JsonElement value, string name) => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var i)
        ? i
        : throw new ModelCardException(string.Create(
            CultureInfo.InvariantCulture, $"{source}: '{FieldPath(name)}' must be an integer, not {value}"));
}
