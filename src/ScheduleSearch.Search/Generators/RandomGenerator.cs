using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Search.Operators;

namespace ScheduleSearch.Search.Generators;

/// <summary>Uniformly random schedules from the space (a floor every other generator must beat).</summary>
public sealed class RandomGenerator : ICandidateGenerator
{
    private readonly GeneratorContext context;
    private readonly Random rng;
    private readonly Archive archive = new();

    /// <summary>Creates the generator.</summary>
    public RandomGenerator(GeneratorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        this.context = context;
        rng = new Random(context.Seed);
        archive.Add(context.Seeds);
    }

    /// <inheritdoc />
    public string Name => "random";

    /// <inheritdoc />
    public IReadOnlyList<SamplerSchedule> Ask()
    {
        var batch = new List<SamplerSchedule>();
        for (var tries = 0; batch.Count < context.Population && tries < context.Population * 20; tries++)
        {
            if (Mutations.RandomSchedule(context, rng) is { } s && archive.MarkAsked(s))
            {
                batch.Add(s);
            }
        }

        return batch;
    }

    /// <inheritdoc />
    public void Tell(IReadOnlyList<ScoredSchedule> results) => archive.Add(results);
}
