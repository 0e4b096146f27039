namespace ScheduleSearch.Search.Generators;

/// <summary>The generators a spec's strategy.kind can name.</summary>
public static class GeneratorCatalog
{
    /// <summary>
    /// The default strategy's phases, chosen by measurement (bench/BENCHMARKS.md, "Search quality"): CMA-ES on the
    /// best baseline's timesteps, then joint CMA-ES on timesteps with decisions from the good set, then evolution
    /// on decisions and timesteps seeded with the winners.
    /// </summary>
    public static readonly IReadOnlyList<(string Kind, double Fraction)> DefaultPhases =
        [("cma-timesteps", 0.3), ("joint-cma", 0.4), ("evolutionary", 0.3)];

    /// <summary>Every name.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["default", "random", "evolutionary", "cma-timesteps", "joint-cma", "predictor-guided", "refine"];

    /// <summary>Creates the generator named <paramref name="kind"/> for one NFE.</summary>
    public static ICandidateGenerator Create(string kind, GeneratorContext context) => kind switch
    {
        "default" => new CompositeGenerator(context, DefaultPhases),
        "random" => new RandomGenerator(context),
        "evolutionary" => new EvolutionaryGenerator(context),
        "cma-timesteps" => new CmaTimestepsGenerator(context),
        "joint-cma" => new JointCmaGenerator(context),
        "predictor-guided" => new PredictorGuidedGenerator(context),
        "refine" => new RefineGenerator(context),
        _ => throw new ArgumentException($"unknown strategy '{kind}'; expected one of {string.Join(", ", Names)}", nameof(kind)),
    };
}
