using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Search.Specs;

namespace ScheduleSearch.Search.Running;

/// <summary>What of a spec's search space a particular model can run.</summary>
public static class SpecOnModel
{
    /// <summary>
    /// The spec as searched on the model <paramref name="modelName"/> with <paramref name="variants"/> and data
    /// <paramref name="statistics"/>: a card without data statistics cannot run mean-x0 first steps or teleports, so those
    /// leave the space (the stored spec text is unchanged, so resuming still matches). Throws
    /// <see cref="SearchSpecException"/> for a <c>space.models</c> entry the card does not have.
    /// </summary>
    public static SearchSpec ForModel(SearchSpec spec, string modelName, IReadOnlyCollection<string> variants, DataStatistics? statistics)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(variants);
        foreach (var name in spec.Space.Models.Where(n => !variants.Contains(n)))
        {
            var known = variants.Count == 0 ? "the card lists no variants" : "the card's variants are " + string.Join(", ", variants.Order(StringComparer.Ordinal));
            throw new SearchSpecException($"space.models: '{name}' is not a variant of model '{modelName}' ({known})");
        }

        return statistics is null ? spec with { Space = spec.Space.WithoutDataStatistics() } : spec;
    }
}
