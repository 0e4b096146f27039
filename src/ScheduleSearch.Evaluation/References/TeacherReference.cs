namespace ScheduleSearch.Evaluation.References;

/// <summary>The teacher's final samples on one noise set, with the accuracy it was verified to.</summary>
public sealed record TeacherReference
{
    /// <summary>The name it is stored under (<see cref="TeacherReferences.NameOf"/>).</summary>
    public required string Name { get; init; }

    /// <summary>The samples, row-major (<see cref="Count"/> x <see cref="SampleSize"/>); row i solves noise sample i.</summary>
    public required ReadOnlyMemory<double> Samples { get; init; }

    /// <summary>Number of samples.</summary>
    public required int Count { get; init; }

    /// <summary>Values per sample.</summary>
    public required int SampleSize { get; init; }

    /// <summary>Mean per-sample RMSE against the same teacher at twice the steps, or null when not verified.</summary>
    public double? Accuracy { get; init; }

    /// <summary>True when it was read from the store rather than computed now.</summary>
    public bool FromStore { get; init; }
}
