using System.Text.Json;
using ScheduleSearch.Core.Json;

namespace ScheduleSearch.Models.Gmm;

/// <summary>The wording of errors in a GMM parameters file ("gmm.json: unknown field 'x' (known fields: weights, means, variances)").</summary>
internal sealed class GmmJsonDialect : StrictJsonDialect
{
    /// <summary>The one instance.</summary>
    public static GmmJsonDialect Instance { get; } = new();

    public override Exception NotAnObject(string source, string path, JsonElement value) =>
        new InvalidDataException($"{source}: expected a JSON object with weights, means and variances");

    public override Exception UnknownField(string source, string fieldPath, IReadOnlyList<string> known) =>
        new InvalidDataException($"{source}: unknown field '{fieldPath}' (known fields: {string.Join(", ", known)})");

    public override Exception Missing(string source, string fieldPath) =>
        new InvalidDataException($"{source}: missing required array field '{fieldPath}'");

    public override Exception WrongType(string source, string fieldPath, JsonElement value, JsonExpectation expected) =>
        expected == JsonExpectation.Number
            ? new InvalidDataException($"{source}: '{fieldPath}' must be a number")
            : new InvalidDataException($"{source}: '{fieldPath}' must be an array of numbers");

    public override Exception Invalid(string source, string fieldPath, string reason) =>
        new InvalidDataException($"{source}: '{fieldPath}' {reason}");
}
