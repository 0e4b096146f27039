using System.Collections.Immutable;
using System.Globalization;

namespace ScheduleSearch.Search.Specs;

/// <summary>
/// The classifier-free guidance a search samples with (the spec's <c>guidance</c> block, FORMATS.md): the scale w and
/// the class of each sample. Sample i gets class <c>Classes[i mod Classes.Length]</c>, or i mod the card's num_classes
/// when <see cref="Classes"/> is empty ("cycle"), whatever batch it is evaluated in. Part of the model's identity in
/// every evaluation key and teacher reference, so results under another scale or other classes are never reused.
/// </summary>
public sealed record SampleGuidance
{
    /// <summary>No guidance block: the conditional network alone (w = 1), classes cycling.</summary>
    public static SampleGuidance None { get; } = new();

    /// <summary>Guidance scale w: uncond + w (cond - uncond); 1 runs the conditional network alone, 0 the unconditional.</summary>
    public double Scale { get; init; } = 1.0;

    /// <summary>The class labels cycled over the samples; empty means sample i gets class i mod num_classes.</summary>
    public ImmutableArray<int> Classes { get; init; } = [];

    /// <summary>
    /// The prompt rows of a text-conditioned model cycled over the samples (sample i gets row Prompts[i mod Length] of
    /// every conditioning array); empty means row i mod P ("cycle").
    /// </summary>
    public ImmutableArray<int> Prompts { get; init; } = [];

    /// <summary>True when this is what a model runs without a guidance block (w = 1, classes and prompts cycling).</summary>
    public bool IsDefault => Scale == 1.0 && Classes.IsDefaultOrEmpty && Prompts.IsDefaultOrEmpty;

    /// <summary>
    /// The canonical text hashed into the model's identity, e.g. <c>{"classes":"cycle","scale":3}</c>; a prompt list
    /// adds <c>"prompts":[...]</c> (absent when prompts cycle, so older keys stay as they were).
    /// </summary>
    public string Canonical => string.Create(
        CultureInfo.InvariantCulture,
        $"{{\"classes\":{List(Classes)},{(Prompts.IsDefaultOrEmpty ? "" : $"\"prompts\":{List(Prompts)},")}\"scale\":{Scale:R}}}");

    private static string List(ImmutableArray<int> values) => values.IsDefaultOrEmpty ? "\"cycle\"" : "[" + string.Join(",", values) + "]";
}
