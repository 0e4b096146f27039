using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Search.Operators;

namespace ScheduleSearch.Search.Generators;

/// <summary>
/// Runs generators one after another, each for a fraction of the budget; each phase is seeded with everything
/// scored before it (best first), so later phases start from earlier winners (SEARCH-NOTES.md section 3).
/// A phase that asks nothing ends early.
/// </summary>
public sealed class CompositeGenerator : ICandidateGenerator
{
    private readonly GeneratorContext context;
    private readonly IReadOnlyList<(string Kind, double Fraction)> phases;
    private readonly Archive archive = new();
    private ICandidateGenerator? current;
    private int phase = -1;
    private int spentInPhase;
    private int phaseBudget;

    /// <summary>Creates the composite of <paramref name="phases"/> (generator kinds of <see cref="GeneratorCatalog"/> with budget fractions; the last runs until the end).</summary>
    public CompositeGenerator(GeneratorContext context, IReadOnlyList<(string Kind, double Fraction)> phases)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(phases);
        this.context = context;
        this.phases = phases;
        archive.Add(context.Seeds);
    }

    /// <inheritdoc />
    public string Name => current is null ? "composite" : $"composite/{current.Name}";

    /// <summary>The generator of the running phase (null before the first ask).</summary>
    public ICandidateGenerator? Current => current;

    /// <inheritdoc />
    public IReadOnlyList<SamplerSchedule> Ask()
    {
        while (true)
        {
            if (current is null || (phase < phases.Count - 1 && spentInPhase >= phaseBudget))
            {
                if (!NextPhase())
                {
                    return [];
                }
            }

            var batch = current!.Ask();
            if (batch.Count > 0)
            {
                return batch;
            }

            if (phase >= phases.Count - 1)
            {
                return [];
            }

            spentInPhase = int.MaxValue;
        }
    }

    /// <inheritdoc />
    public void Tell(IReadOnlyList<ScoredSchedule> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        archive.Add(results);
        current?.Tell(results);
        spentInPhase += results.Count;
    }

    private bool NextPhase()
    {
        phase++;
        if (phase >= phases.Count)
        {
            return false;
        }

        phaseBudget = (int)Math.Round(phases[phase].Fraction * context.Budget);
        spentInPhase = 0;
        var seeds = archive.Items.Where(i => double.IsFinite(i.Score)).OrderBy(i => i.Score).ToArray();
        current = GeneratorCatalog.Create(phases[phase].Kind, context with { Seeds = seeds, Seed = context.Seed + (phase * 1000003), Budget = phaseBudget });
        return true;
    }
}
