namespace ScheduleSearch.Search.Specs;

/// <summary>
/// How evolution makes children (a spec's <c>strategy.breeding</c>). Both use the same moves; they differ in how much
/// of a parent a child keeps, which decides how many of the child's model calls the evaluator's prefix cache can
/// serve (issue 6; bench/BENCHMARKS.md, "Prefix sharing").
/// </summary>
public enum Breeding
{
    /// <summary>
    /// <c>"mixing"</c>: AutoDiffusion's uniform and USF's deep per-step crossover over the whole schedule, then a
    /// mutation with probability 0.8; when the space is wide, 30 % of the mutation moves change a wide decision.
    /// </summary>
    Mixing,

    /// <summary>
    /// <c>"prefix"</c>: children keep a parent's first steps: the uniform kinds cross from a random step k on (the
    /// first parent's first k steps kept), a crossover child is not mutated again (AutoDiffusion's split), and the
    /// wide decisions take 6 % of the moves per decision the space switches on (at most 30 %).
    /// </summary>
    Prefix,
}
