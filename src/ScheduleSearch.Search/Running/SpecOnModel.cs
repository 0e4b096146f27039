using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Ems;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Spacings;
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
    /// <remarks>
    /// A space that lists DPM-Solver-v3 decisions needs the card's empirical model statistics (<paramref name="ems"/>);
    /// without them it is refused (SearchSpecException naming space.derivative or space.corrector). The model's own
    /// spacing (<paramref name="ownSpacing"/>: a flow card's shifted spacing) joins the baseline spacings, listed or
    /// default, so the baselines include the way the model is sampled by default (SD3's shift 3).
    /// </remarks>
    public static SearchSpec ForModel(SearchSpec spec, string modelName, IReadOnlyCollection<string> variants, DataStatistics? statistics, EmsStatistics? ems = null, Spacing? ownSpacing = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(variants);
        foreach (var name in spec.Space.Models.Where(n => !variants.Contains(n)))
        {
            var known = variants.Count == 0 ? "the card lists no variants" : "the card's variants are " + string.Join(", ", variants.Order(StringComparer.Ordinal));
            throw new SearchSpecException($"space.models: '{name}' is not a variant of model '{modelName}' ({known})");
        }

        if (ems is null && spec.Space.HasDpmSolverV3)
        {
            var field = spec.Space.Derivatives.Any(d => d is DerivativeForm.DpmSolverV3 or DerivativeForm.DpmSolverV3Pseudo) ? "space.derivative" : "space.corrector";
            throw new SearchSpecException($"{field}: dpm-solver-v3 steps read the card's empirical model statistics and model '{modelName}' has none (card field \"ems\"; estimate them with schedule-search model stats CARD --ems)");
        }

        if (ownSpacing is not null && !spec.BaselineSpacings.Contains(ownSpacing.Name))
        {
            spec = spec with { BaselineSpacings = [.. spec.BaselineSpacings, ownSpacing.Name] };
        }

        return statistics is null ? spec with { Space = spec.Space.WithoutDataStatistics() } : spec;
    }
}
