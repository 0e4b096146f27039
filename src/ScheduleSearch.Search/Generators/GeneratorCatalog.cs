namespace ScheduleSearch.Search.Generators;

/// <summary>The generators a spec's strategy.kind can name.</summary>
public static class GeneratorCatalog
{
    /// <summary>
    /// The phases of <c>cma-evolutionary</c>, the default strategy until issue 20 (chosen on gmm-64 alone, bench/BENCHMARKS.md,
    /// "Search quality"): joint CMA-ES (timesteps by CMA-ES from the best baseline, decisions from the good set) for most
    /// of the budget, then evolution seeded with its winners, which adds the structural moves (singlestep steps, step count).
    /// </summary>
    public static readonly IReadOnlyList<(string Kind, double Fraction)> CmaEvolutionaryPhases =
        [("joint-cma", 0.8), ("evolutionary", 0.2)];

    /// <summary>Every name.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["default", "random", "evolutionary", "cma-evolutionary", "cma-timesteps", "joint-cma", "predictor-guided", "refine", "dp-timesteps"];

    /// <summary>
    /// Creates the generator named <paramref name="kind"/> for one NFE. <c>default</c> is evolution (prefix breeding,
    /// <see cref="Specs.StrategySpec.DefaultBreeding"/>): on the issue-20 suite of eight generated mixtures it was ahead of
    /// <c>cma-evolutionary</c> on the median held-out reduction with both teacher metrics (bench/BENCHMARKS.md,
    /// "Defaults chosen on the suite").
    /// </summary>
    public static ICandidateGenerator Create(string kind, GeneratorContext context) => kind switch
    {
        "default" => new EvolutionaryGenerator(context),
        "random" => new RandomGenerator(context),
        "evolutionary" => new EvolutionaryGenerator(context),
        "cma-evolutionary" => new CompositeGenerator(context, CmaEvolutionaryPhases),
        "cma-timesteps" => new CmaTimestepsGenerator(context),
        "joint-cma" => new JointCmaGenerator(context),
        "predictor-guided" => new PredictorGuidedGenerator(context),
        "refine" => new RefineGenerator(context),
        "dp-timesteps" => new DpTimestepsGenerator(context),
        _ => throw new ArgumentException($"unknown strategy '{kind}'; expected one of {string.Join(", ", Names)}", nameof(kind)),
    };
}
