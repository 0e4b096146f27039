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

    /// <summary>True when this is what a model runs without a guidance block (w = 1, classes cycling).</summary>
    public bool IsDefault => Scale == 1.0 && Classes.IsDefaultOrEmpty;

    /// <summary>The canonical text hashed into the model's identity, e.g. <c>{"classes":"cycle","scale":3}</c>.</summary>
    public string Canonical => string.Create(
        CultureInfo.InvariantCulture,
        $"{{\"classes\":{(Classes.IsDefaultOrEmpty ? "\"cycle\"" : "[" + string.Join(",", Classes) + "]")},\"scale\":{Scale:R}}}");
}
