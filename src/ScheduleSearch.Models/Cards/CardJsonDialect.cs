using System.Globalization;
using System.Text.Json;
using ScheduleSearch.Core.Json;

namespace ScheduleSearch.Models.Cards;

/// <summary>The model card's wording of strict-JSON errors ("model.json: missing required field 'inputs.time'").</summary>
internal sealed class CardJsonDialect : StrictJsonDialect
{
    /// <summary>The one instance.</summary>
    public static CardJsonDialect Instance { get; } = new();

    /// <summary>A card object at <paramref name="path"/> of <paramref name="source"/>, its unknown fields checked by <see cref="StrictJsonObject.EnsureNoUnknownFields"/>.</summary>
    public static StrictJsonObject Object(JsonElement element, string path, string source) => new(element, path, source, Instance);

    public override Exception NotAnObject(string source, string path, JsonElement value) =>
        new ModelCardException($"{source}: {(path.Length == 0 ? "the document" : $"'{path}'")} must be a JSON object, not {value.ValueKind}");

    public override Exception UnknownField(string source, string fieldPath, IReadOnlyList<string> known) =>
        new ModelCardException($"{source}: unknown field '{fieldPath}' (known fields here: {string.Join(", ", known.Order(StringComparer.Ordinal))})");

    public override Exception Missing(string source, string fieldPath) =>
        new ModelCardException($"{source}: missing required field '{fieldPath}'");

    public override Exception WrongType(string source, string fieldPath, JsonElement value, JsonExpectation expected) => expected switch
    {
        JsonExpectation.String => new ModelCardException($"{source}: '{fieldPath}' must be a string, not {value.ValueKind}"),
        JsonExpectation.Number => new ModelCardException($"{source}: '{fieldPath}' must be a number, not {value.ValueKind}"),
        JsonExpectation.Integer => new ModelCardException(string.Create(CultureInfo.InvariantCulture, $"{source}: '{fieldPath}' must be an integer, not {value}")),
        JsonExpectation.IntegerArray => new ModelCardException($"{source}: '{fieldPath}' must be an array of integers"),
        JsonExpectation.Boolean => new ModelCardException($"{source}: '{fieldPath}' must be true or false, not {value.ValueKind}"),
        _ => new ModelCardException($"{source}: '{fieldPath}' must be an array, not {value.ValueKind}"),
    };

    public override Exception Invalid(string source, string fieldPath, string reason) =>
        new ModelCardException($"{source}: '{fieldPath}' {reason}");
}
