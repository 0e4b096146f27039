using System.Text.Json;

namespace ScheduleSearch.Core.Json;

/// <summary>
/// Strict reading of one JSON object, the rule of FORMATS.md for every file the tool reads (schedules, model cards,
/// search specs, mixture parameters): unknown fields are refused by name, required ones must be present, values must
/// have the right type, and errors name the field by its dotted path. The <see cref="StrictJsonDialect"/> words the
/// errors. Unknown fields are checked at once when the known fields are given, or by
/// <see cref="EnsureNoUnknownFields"/> against the fields read so far when they are not (readers whose fields depend
/// on other fields).
/// </summary>
public sealed class StrictJsonObject
{
    private readonly JsonElement element;
    private readonly List<string> read = [];

    /// <summary>Wraps <paramref name="element"/>, found at <paramref name="path"/> ("" for the document) of <paramref name="source"/>.</summary>
    public StrictJsonObject(JsonElement element, string path, string source, StrictJsonDialect dialect, IReadOnlyList<string>? knownFields = null)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        Path = path;
        Source = source;
        Dialect = dialect;
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw dialect.NotAnObject(source, path, element);
        }

        this.element = element;
        if (knownFields is not null)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (!knownFields.Contains(property.Name))
                {
                    throw dialect.UnknownField(source, FieldPath(property.Name), knownFields);
                }
            }
        }
    }

    /// <summary>The file (or other source) that prefixes every error.</summary>
    public string Source { get; }

    /// <summary>Where this object sits in the document ("" for the root).</summary>
    public string Path { get; }

    /// <summary>The wording of errors.</summary>
    public StrictJsonDialect Dialect { get; }

    /// <summary>The dotted path of field <paramref name="name"/> of this object.</summary>
    public string FieldPath(string name) => Path.Length == 0 ? name : $"{Path}.{name}";

    /// <summary>An error about <paramref name="fieldPath"/> in the format's words.</summary>
    public Exception Error(string fieldPath, string reason) => Dialect.Invalid(Source, fieldPath, reason);

    /// <summary>Whether the field is present (and not null where null counts as absent).</summary>
    public bool Has(string name) => element.TryGetProperty(name, out var value) && !IsAbsent(value);

    /// <summary>The field's value, or null when it is absent; marks it as known.</summary>
    public JsonElement? Optional(string name)
    {
        MarkRead(name);
        return element.TryGetProperty(name, out var value) && !IsAbsent(value) ? value : null;
    }

    /// <summary>The field's value; a missing field is an error.</summary>
    public JsonElement Required(string name) => Optional(name) ?? throw Dialect.Missing(Source, FieldPath(name));

    /// <summary>A required string field.</summary>
    public string RequiredString(string name) => AsString(Required(name), FieldPath(name));

    /// <summary>An optional string field.</summary>
    public string? OptionalString(string name) => Optional(name) is { } v ? AsString(v, FieldPath(name)) : null;

    /// <summary>A required finite number.</summary>
    public double RequiredDouble(string name) => AsDouble(Required(name), FieldPath(name));

    /// <summary>An optional finite number.</summary>
    public double OptionalDouble(string name, double fallback) => Optional(name) is { } v ? AsDouble(v, FieldPath(name)) : fallback;

    /// <summary>A required 32-bit integer.</summary>
    public int RequiredInt(string name) => AsInt(Required(name), FieldPath(name));

    /// <summary>An optional 32-bit integer.</summary>
    public int OptionalInt(string name, int fallback) => Optional(name) is { } v ? AsInt(v, FieldPath(name)) : fallback;

    /// <summary>A required true/false field.</summary>
    public bool RequiredBool(string name) => AsBool(Required(name), FieldPath(name));

    /// <summary>An optional true/false field.</summary>
    public bool OptionalBool(string name, bool fallback) => Optional(name) is { } v ? AsBool(v, FieldPath(name)) : fallback;

    /// <summary>A required nested object.</summary>
    public StrictJsonObject RequiredObject(string name, IReadOnlyList<string>? knownFields = null) =>
        new(Required(name), FieldPath(name), Source, Dialect, knownFields);

    /// <summary>An optional nested object.</summary>
    public StrictJsonObject? OptionalObject(string name, IReadOnlyList<string>? knownFields = null) =>
        Optional(name) is { } v ? new StrictJsonObject(v, FieldPath(name), Source, Dialect, knownFields) : null;

    /// <summary>A required array's items.</summary>
    public IReadOnlyList<JsonElement> RequiredArray(string name)
    {
        var value = Required(name);
        return value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().ToArray()
            : throw Dialect.WrongType(Source, FieldPath(name), value, JsonExpectation.Array);
    }

    /// <summary>A required array of 32-bit integers.</summary>
    public int[] RequiredIntArray(string name)
    {
        var value = Required(name);
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Dialect.WrongType(Source, FieldPath(name), value, JsonExpectation.IntegerArray);
        }

        return value.EnumerateArray().Select((e, i) => AsInt(e, $"{FieldPath(name)}[{i}]")).ToArray();
    }

    /// <summary>A nested object found at <paramref name="fieldPath"/> (an array item, say).</summary>
    public StrictJsonObject AsObject(JsonElement value, string fieldPath, IReadOnlyList<string>? knownFields = null) =>
        new(value, fieldPath, Source, Dialect, knownFields);

    /// <summary><paramref name="value"/> as a string.</summary>
    public string AsString(JsonElement value, string fieldPath) => value.ValueKind == JsonValueKind.String
        ? value.GetString()!
        : throw Dialect.WrongType(Source, fieldPath, value, JsonExpectation.String);

    /// <summary><paramref name="value"/> as a finite number.</summary>
    public double AsDouble(JsonElement value, string fieldPath) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number)
            ? number
            : throw Dialect.WrongType(Source, fieldPath, value, JsonExpectation.Number);

    /// <summary><paramref name="value"/> as a 32-bit integer.</summary>
    public int AsInt(JsonElement value, string fieldPath) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : throw Dialect.WrongType(Source, fieldPath, value, JsonExpectation.Integer);

    /// <summary><paramref name="value"/> as true or false.</summary>
    public bool AsBool(JsonElement value, string fieldPath) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Dialect.WrongType(Source, fieldPath, value, JsonExpectation.Boolean),
    };

    /// <summary>Refuses the first field that was never read (for objects built without their known fields).</summary>
    public void EnsureNoUnknownFields()
    {
        foreach (var property in element.EnumerateObject())
        {
            if (!read.Contains(property.Name))
            {
                throw Dialect.UnknownField(Source, FieldPath(property.Name), read);
            }
        }
    }

    private bool IsAbsent(JsonElement value) => Dialect.NullIsAbsent && value.ValueKind == JsonValueKind.Null;

    private void MarkRead(string name)
    {
        if (!read.Contains(name))
        {
            read.Add(name);
        }
    }
}
