using System.Collections.Immutable;

namespace ScheduleSearch.Storage;

/// <summary>
/// A named array of doubles kept with the scores, e.g. the teacher's samples for a noise set, with the accuracy
/// the teacher reached (its error against a run at twice the steps).
/// </summary>
public sealed record ReferenceArray
{
    /// <summary>The unique name (the Evaluation layer derives it from model, teacher spec and noise spec).</summary>
    public required string Name { get; init; }

    /// <summary>The shape, e.g. [samples, dims]; its product equals the length of <see cref="Data"/>.</summary>
    public required ImmutableArray<int> Shape { get; init; }

    /// <summary>The values in C order.</summary>
    public required ImmutableArray<double> Data { get; init; }

    /// <summary>The accuracy figure of the reference (e.g. RMSE against a run at twice the steps), else null.</summary>
    public double? Accuracy { get; init; }

    /// <summary>When it was computed.</summary>
    public required DateTimeOffset Created { get; init; }

    /// <summary>Optional JSON describing how it was made (teacher preset, steps, seed), else null.</summary>
    public string? DescriptionJson { get; init; }

    /// <summary>Value equality over the arrays' contents.</summary>
    public bool Equals(ReferenceArray? other) =>
        other is not null && Name == other.Name && Shape.SequenceEqual(other.Shape) && Data.SequenceEqual(other.Data)
        && Nullable.Equals(Accuracy, other.Accuracy) && Created == other.Created && DescriptionJson == other.DescriptionJson;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Data.Length);
}
