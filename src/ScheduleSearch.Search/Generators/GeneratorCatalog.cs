namespace ScheduleSearch.Search.Generators;

/// <summary>The generators a spec's strategy.kind can name.</summary>
public static class GeneratorCatalog
{
    /// <summary>
    /// The default strategy's phases, chosen by measurement (bench/BENCHMARKS.md, "Search quality"): joint CMA-ES
    /// (timesteps by CMA-ES from the best baseline, decisions from the good set) for most of the budget, then
    /// evolution seeded with its winners, which adds the structural moves (singlestep steps, step count).
    /// Timestep-only CMA-ES first (0.3 of the budget) measured worse at 600 evaluations: it plateaus at -38%.
    /// </summary>
    public static readonly IReadOnlyList<(string Kind, double Fraction)> DefaultPhases =
        [("joint-cma", 0.8), ("evolutionary", 0.2)];

    /// <summary>Every name.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["default", "random", "evolutionary", "cma-timesteps", "joint-cma", "predictor-guided", "refine", "dp-timesteps"];

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
        "dp-timesteps" => new DpTimestepsGenerator(context),
        _ => throw new ArgumentException($"unknown strategy '{kind}'; expected one of {string.Join(", ", Names)}", nameof(kind)),
    };
}
