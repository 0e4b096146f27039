namespace ScheduleSearch.Export;

/// <summary>
/// The score the tool expects an approximate export to reach in its target: its <see cref="TargetRun"/> scored on the
/// search's held-out noise against the same teacher as the exact schedule, with the best classic solver for scale;
/// or why it was not scored.
/// </summary>
public sealed record TargetScore
{
    /// <summary>The export format it belongs to (diffusers, k-diffusion, comfyui).</summary>
    public required string Format { get; init; }

    /// <summary>The run that was scored; null when none was (see <see cref="Why"/>).</summary>
    public TargetRun? Run { get; init; }

    /// <summary>Its score (the search's metric on the held-out set); +infinity when it diverged; null when not scored.</summary>
    public double? Value { get; init; }

    /// <summary>Why the export was not scored.</summary>
    public string? Why { get; init; }

    /// <summary>The best baseline at the same NFE (its name), when the search scored one on the held-out set.</summary>
    public string? BestBaseline { get; init; }

    /// <summary>That baseline's held-out score.</summary>
    public double? BestBaselineValue { get; init; }

    /// <summary>Whether the approximation is no better than the best classic solver (lower is better).</summary>
    public bool NoBetterThanBaseline => Value is { } v && BestBaselineValue is { } b && !(v < b);
}
