using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Search.Operators;
using ScheduleSearch.Search.Specs;

namespace ScheduleSearch.Search.Generators;

/// <summary>
/// AutoDiffusion's evolutionary search (population 50, top-10 parents, per-gene mutation, uniform crossover;
/// the first population is the seeds' mutants plus random schedules) extended with USF's moves: Gaussian
/// timestep moves with order repair, per-step decision changes, moving a step while keeping the NFE, and deep
/// per-step crossover. Parents are the best schedules ever scored (elitist), seeds included.
/// </summary>
public sealed class EvolutionaryGenerator : ICandidateGenerator
{
    private readonly GeneratorContext context;
    private readonly Random rng;
    private readonly Archive archive = new();
    private readonly int parents;
    private int generation;

    /// <summary>Creates the generator; <paramref name="parents"/> is the number of top schedules bred from.</summary>
    public EvolutionaryGenerator(GeneratorContext context, int parents = 10)
    {
        ArgumentNullException.ThrowIfNull(context);
        this.context = context;
        this.parents = Math.Max(2, parents);
        rng = new Random(context.Seed);
        archive.Add(context.Seeds);
    }

    /// <inheritdoc />
    public string Name => "evolutionary";

    /// <inheritdoc />
    public IReadOnlyList<SamplerSchedule> Ask()
    {
        var batch = new List<SamplerSchedule>();
        var top = archive.Top(parents);
        for (var tries = 0; batch.Count < context.Population && tries < context.Population * 40; tries++)
        {
            var child = generation == 0 || top.Count == 0 ? FirstPopulation(top, batch.Count) : Breed(top);
            if (child is not null && archive.MarkAsked(child))
            {
                batch.Add(child);
            }
        }

        generation++;
        return batch;
    }

    /// <inheritdoc />
    public void Tell(IReadOnlyList<ScoredSchedule> results) => archive.Add(results);

    /// <summary>
    /// One child of the top: with probability 0.5 a crossover of two parents. <see cref="Breeding.Mixing"/> then
    /// mutates it with probability 0.8; <see cref="Breeding.Prefix"/> mutates only a child that is no crossover or
    /// came back equal to its first parent (AutoDiffusion's split).
    /// </summary>
    internal static SamplerSchedule? Breed(GeneratorContext context, IReadOnlyList<ScoredSchedule> top, Random rng)
    {
        var a = top[rng.Next(top.Count)].Schedule;
        SamplerSchedule? child = a;
        if (top.Count > 1 && rng.Chance(0.5))
        {
            var b = top[rng.Next(top.Count)].Schedule;
            child = Crossovers.Cross(context, a, b, rng) ?? a;
        }

        if (context.Breeding == Breeding.Prefix)
        {
            return ReferenceEquals(child, a) || ScheduleKey.Compute(child) == ScheduleKey.Compute(a) ? Mutations.Mutate(context, child, rng) : child;
        }

        // A crossover child equal to a parent, or a plain clone, always gets a mutation.
        return rng.Chance(0.8) || ReferenceEquals(child, a) ? Mutations.Mutate(context, child, rng) : child;
    }

    private SamplerSchedule? Breed(IReadOnlyList<ScoredSchedule> top) => Breed(context, top, rng);

    private SamplerSchedule? FirstPopulation(IReadOnlyList<ScoredSchedule> top, int index)
    {
        // Seeds' mutants for the first two thirds, random schedules for the rest (AutoDiffusion's initial population).
        if (top.Count > 0 && index < context.Population * 2 / 3)
        {
            return Mutations.Mutate(context, top[index % top.Count].Schedule, rng);
        }

        return Mutations.RandomSchedule(context, rng);
    }
}
