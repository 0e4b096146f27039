using System.Text.Json;

namespace ScheduleSearch.Core.Json;

/// <summary>
/// How one file format words the errors of <see cref="StrictJsonObject"/> (the error factory), and whether a JSON
/// null counts as an absent field. The rule is one (unknown fields refused by name, missing ones named, types checked,
/// dotted paths such as "inputs.time" or "steps[2].order"); the sentences stay each format's own, because users and
/// tests already read them.
/// </summary>
public abstract class StrictJsonDialect
{
    /// <summary>True when <c>"field": null</c> reads as if the field were absent; false when null is a wrong type.</summary>
    public virtual bool NullIsAbsent => true;

    /// <summary>The value at <paramref name="path"/> ("" for the document) is not a JSON object.</summary>
    public abstract Exception NotAnObject(string source, string path, JsonElement value);

    /// <summary>
    /// <paramref name="fieldPath"/> is not one of <paramref name="known"/> (the declared fields, or those read so far
    /// when the object tracks its reads).
    /// </summary>
    public abstract Exception UnknownField(string source, string fieldPath, IReadOnlyList<string> known);

    /// <summary>A required field is absent.</summary>
    public abstract Exception Missing(string source, string fieldPath);

    /// <summary><paramref name="value"/> at <paramref name="fieldPath"/> is not what <paramref name="expected"/> says.</summary>
    public abstract Exception WrongType(string source, string fieldPath, JsonElement value, JsonExpectation expected);

    /// <summary>Any other problem with a value, in the format's own words.</summary>
    public abstract Exception Invalid(string source, string fieldPath, string reason);
}
