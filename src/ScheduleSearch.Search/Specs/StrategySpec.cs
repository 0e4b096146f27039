namespace ScheduleSearch.Search.Specs;

/// <summary>A spec's "strategy" block: which generator proposes candidates and its few knobs.</summary>
public sealed record StrategySpec
{
    /// <summary>The strategy the benchmarks found best (bench/BENCHMARKS.md, "Search quality").</summary>
    public const string DefaultKind = "default";

    /// <summary>
    /// Generator name: default, random, evolutionary, cma-timesteps, joint-cma, predictor-guided or refine
    /// (<see cref="Generators.GeneratorCatalog.Names"/>).
    /// </summary>
    public string Kind { get; init; } = DefaultKind;

    /// <summary>Candidates per generation (per target NFE).</summary>
    public int Population { get; init; } = 50;

    /// <summary>Most generations to run (null = until the budget is spent).</summary>
    public int? Generations { get; init; }

    /// <summary>Seed of every random decision of the search.</summary>
    public int Seed { get; init; }
}
