using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Search.Specs;

namespace ScheduleSearch.Search.Generators;

/// <summary>
/// The per-step <c>model</c> decision (issue 9, T-Stitch): which of the space's model variants a step runs on (null =
/// the primary network). Mostly moved as a switch point (the first k steps on a variant, the rest on the primary,
/// which is T-Stitch's small-network-first rule), sometimes one step at a time. Draws nothing from the random stream
/// unless the space lists variants.
/// </summary>
internal static class ModelChoices
{
    /// <summary>The step's model kept when the space lists it (never on a teleport step, which calls no network), else null.</summary>
    public static string? Normalize(SearchSpace space, StepChoice step) =>
        step.Model is { } name && step.Method != StepMethod.Teleport && space.Models.Contains(name) ? name : null;

    /// <summary>For a new random schedule: half the time a random switch point with a random variant before it.</summary>
    public static void Randomize(SearchSpace space, List<StepChoice> steps, Random rng)
    {
        if (space.Models.Length == 0 || !rng.Chance(0.5))
        {
            return;
        }

        SetPrefix(steps, rng.Next(1, steps.Count + 1), rng.Pick(space.Models));
    }

    /// <summary>Moves the switch point by one (or to a random place), flips one step's network, or swaps the variant used.</summary>
    public static SamplerSchedule? MoveModel(GeneratorContext ctx, SamplerSchedule s, Random rng)
    {
        var models = ctx.Space.Models;
        if (models.Length == 0)
        {
            return null;
        }

        var steps = s.Steps.ToList();
        var used = steps.Select(st => st.Model).FirstOrDefault(m => m is not null);
        var roll = rng.NextDouble();
        if (roll < 0.6)
        {
            var prefix = steps.TakeWhile(st => st.Model is not null || st.Method == StepMethod.Teleport).Count();
            var next = rng.Chance(0.2) ? rng.Next(steps.Count + 1) : prefix + (rng.Chance(0.5) ? 1 : -1);
            SetPrefix(steps, Math.Clamp(next, 0, steps.Count), used ?? rng.Pick(models));
        }
        else if (roll < 0.85 || models.Length == 1)
        {
            var i = rng.Next(steps.Count);
            steps[i] = steps[i] with { Model = steps[i].Model is null ? used ?? rng.Pick(models) : null };
        }
        else
        {
            var other = rng.Pick(models);
            for (var i = 0; i < steps.Count; i++)
            {
                steps[i] = steps[i].Model is null ? steps[i] : steps[i] with { Model = other };
            }
        }

        return ScheduleEditing.Repair(ctx, s.Timesteps, steps, rng, s.Name, s.Options);
    }

    /// <summary>The first <paramref name="count"/> steps on <paramref name="model"/>, the rest on the primary network.</summary>
    public static void SetPrefix(List<StepChoice> steps, int count, string model)
    {
        for (var i = 0; i < steps.Count; i++)
        {
            steps[i] = steps[i] with { Model = i < count && steps[i].Method != StepMethod.Teleport ? model : null };
        }
    }
}
