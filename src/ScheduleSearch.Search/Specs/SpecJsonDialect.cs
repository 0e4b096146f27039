using System.Text.Json;
using ScheduleSearch.Core.Json;

namespace ScheduleSearch.Search.Specs;

/// <summary>The search spec's wording of strict-JSON errors ("fashion.search.json: budget.evaluations: is required but missing").</summary>
internal sealed class SpecJsonDialect : StrictJsonDialect
{
    /// <summary>The one instance.</summary>
    public static SpecJsonDialect Instance { get; } = new();

    /// <summary>A value as the spec's errors quote it ("the string \"x\"", "the number 3", "a list").</summary>
    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{value.GetString()}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {value.GetRawText()}",
        _ => "null",
    };

    public override Exception NotAnObject(string source, string path, JsonElement value) =>
        Invalid(source, path, $"must be a JSON object, not {Describe(value)}");

    public override Exception UnknownField(string source, string fieldPath, IReadOnlyList<string> known) =>
        Invalid(source, fieldPath, $"unknown field; expected one of {string.Join(", ", known)}");

    public override Exception Missing(string source, string fieldPath) => Invalid(source, fieldPath, "is required but missing");

    public override Exception WrongType(string source, string fieldPath, JsonElement value, JsonExpectation expected) => expected switch
    {
        JsonExpectation.String => Invalid(source, fieldPath, $"must be a non-empty string, not {Describe(value)}"),
        JsonExpectation.Integer => Invalid(source, fieldPath, $"must be a whole number, not {Describe(value)}"),
        JsonExpectation.Boolean => Invalid(source, fieldPath, $"must be true or false, not {Describe(value)}"),
        JsonExpectation.Number => Invalid(source, fieldPath, $"must be a finite number, not {Describe(value)}"),
        _ => Invalid(source, fieldPath, $"must be a list, not {Describe(value)}"),
    };

    public override Exception Invalid(string source, string fieldPath, string reason) =>
        new SearchSpecException($"{source}: {(fieldPath.Length == 0 ? "the spec" : fieldPath)}: {reason}");
}
