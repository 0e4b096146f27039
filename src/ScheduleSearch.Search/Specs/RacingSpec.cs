using System.Collections.Immutable;
using ScheduleSearch.Evaluation.NoiseSets;

namespace ScheduleSearch.Search.Specs;

/// <summary>
/// A spec's "racing" block (issue 20, intensification as in SMAC and irace): a new best on the scoring set (a
/// challenger) replaces the reported best (the incumbent) only after it also beats it on fresh racing noise sets, and
/// the winner per NFE is chosen among the incumbents on a validation set that is neither the scoring, the held-out nor
/// a racing set. Null on <see cref="SearchSpec.Racing"/>: off, the reported best is the best scoring value.
/// </summary>
public sealed record RacingSpec
{
    /// <summary>The racing sets' seeds, in the order a race uses them (at least one; none is the scoring, held-out or validation seed).</summary>
    public required ImmutableArray<int> Seeds { get; init; }

    /// <summary>Samples per racing set.</summary>
    public required int Samples { get; init; }

    /// <summary>The validation set's seed.</summary>
    public required int ValidationSeed { get; init; }

    /// <summary>Samples in the validation set.</summary>
    public required int ValidationSamples { get; init; }

    /// <summary>
    /// How many standard errors a challenger's lead on the racing sets raced so far must exceed to win without racing
    /// on the next set; on the last set any lead wins (a challenger behind on the sets raced so far loses at once).
    /// </summary>
    public double Confidence { get; init; } = 2.0;

    /// <summary>The racing sets as noise specs.</summary>
    public IEnumerable<NoiseSpec> Sets => Seeds.Select(s => new NoiseSpec(s, Samples));

    /// <summary>The validation set as a noise spec.</summary>
    public NoiseSpec Validation => new(ValidationSeed, ValidationSamples);
}
