using System.Globalization;
using System.Text.Json;
using ScheduleSearch.Core.Json;

namespace ScheduleSearch.Core.Schedules;

/// <summary>
/// The schedule file's wording of strict-JSON errors ("best.json: steps[2].order: expected an integer, got \"x\"").
/// A null is a wrong type here, not an absent field: a schedule is written by the tool, so a null is a damaged file.
/// </summary>
internal sealed class ScheduleJsonDialect : StrictJsonDialect
{
    /// <summary>The one instance.</summary>
    public static ScheduleJsonDialect Instance { get; } = new();

    public override bool NullIsAbsent => false;

    public override Exception NotAnObject(string source, string path, JsonElement value) => path switch
    {
        "" => Invalid(source, "(root)", "expected a JSON object"),
        _ when path.StartsWith("steps[", StringComparison.Ordinal) => Invalid(source, path, "expected a step object"),
        _ => Invalid(source, path, "expected an object"),
    };

    public override Exception UnknownField(string source, string fieldPath, IReadOnlyList<string> known) =>
        Invalid(source, fieldPath, $"unknown field; expected one of {string.Join(", ", known)}");

    public override Exception Missing(string source, string fieldPath) => Invalid(source, fieldPath, "required field is missing");

    public override Exception WrongType(string source, string fieldPath, JsonElement value, JsonExpectation expected) => expected switch
    {
        JsonExpectation.String => Invalid(source, fieldPath, $"expected a string, got {Describe(value)}"),
        JsonExpectation.Integer => Invalid(source, fieldPath, $"expected an integer, got {Describe(value)}"),
        JsonExpectation.Number => Invalid(source, fieldPath, $"expected a finite number, got {Describe(value)}"),
        JsonExpectation.Boolean => Invalid(source, fieldPath, $"expected true or false, got {Describe(value)}"),
        _ when fieldPath == "steps" => Invalid(source, fieldPath, "expected an array of step objects"),
        _ => Invalid(source, fieldPath, "expected an array of numbers"),
    };

    public override Exception Invalid(string source, string fieldPath, string reason) =>
        new ScheduleFormatException($"{source}: {fieldPath}: {reason}");

    private static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => $"\"{e.GetString()}\"",
        JsonValueKind.Number => e.GetRawText(),
        _ => e.ValueKind.ToString().ToLower(CultureInfo.InvariantCulture),
    };
}
