namespace ScheduleSearch.Search.Specs;

/// <summary>A spec's "strategy" block: which generator proposes candidates and its few knobs.</summary>
public sealed record StrategySpec
{
    /// <summary>The strategy the benchmarks found best (evolution; bench/BENCHMARKS.md, "Defaults chosen on the suite").</summary>
    public const string DefaultKind = "default";

    /// <summary>
    /// Generator name: default, random, evolutionary, cma-evolutionary, cma-timesteps, joint-cma, predictor-guided,
    /// refine or dp-timesteps (<see cref="Generators.GeneratorCatalog.Names"/>).
    /// </summary>
    public string Kind { get; init; } = DefaultKind;

    /// <summary>Candidates per generation (per target NFE).</summary>
    public int Population { get; init; } = 50;

    /// <summary>Most generations to run (null = until the budget is spent).</summary>
    public int? Generations { get; init; }

    /// <summary>Seed of every random decision of the search.</summary>
    public int Seed { get; init; }

    /// <summary>How evolution breeds (null: <see cref="DefaultBreeding"/> of the kind).</summary>
    public Breeding? Breeding { get; init; }

    /// <summary>
    /// The breeding a strategy uses when the spec names none, chosen by measurement (bench/BENCHMARKS.md, "Prefix
    /// sharing"): evolution, the evolutionary and the default strategy, breeds <see cref="Specs.Breeding.Prefix"/> (as
    /// good per evaluation over 20 seeds, 43-46 % of the model calls saved instead of 28-32 %); cma-evolutionary's
    /// closing evolution and the predictor-guided proposals breed <see cref="Specs.Breeding.Mixing"/>, with which they
    /// were measured.
    /// </summary>
    public static Breeding DefaultBreeding(string kind) => kind is "evolutionary" or DefaultKind ? Specs.Breeding.Prefix : Specs.Breeding.Mixing;

    /// <summary>The breeding this strategy uses.</summary>
    public Breeding EffectiveBreeding => Breeding ?? DefaultBreeding(Kind);
}
