using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Search.Generators;
using ScheduleSearch.Search.Specs;

namespace ScheduleSearch.Search.Operators;

/// <summary>
/// The per-step <c>model</c> decision (issue 9, T-Stitch): which of the space's model variants a step runs on (null =
/// the primary network). Mostly moved as a switch point: the first k steps on a variant and the rest on the primary
/// (T-Stitch's small-network-first rule), or the last k (for a variant that is weak at high noise but good enough at
/// low noise, where its x0 error is damped by sigma/alpha); sometimes one step at a time. Draws nothing from the
/// random stream unless the space lists variants.
/// </summary>
internal static class ModelChoices
{
    /// <summary>The step's model kept when the space lists it (never on a teleport step, which calls no network), else null.</summary>
    public static string? Normalize(SearchSpace space, StepChoice step) =>
        step.Model is { } name && step.Method != StepMethod.Teleport && space.Models.Contains(name) ? name : null;

    /// <summary>For a new random schedule: half the time a random switch point with a random variant before or after it.</summary>
    public static void Randomize(SearchSpace space, List<StepChoice> steps, Random rng)
    {
        if (space.Models.Length == 0 || !rng.Chance(0.5))
        {
            return;
        }

        SetRun(steps, rng.Chance(0.5), rng.Next(1, steps.Count + 1), rng.Pick(space.Models));
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
            var suffix = Enumerable.Reverse(steps).TakeWhile(st => st.Model is not null).Count();
            var first = prefix > 0 || (suffix == 0 && rng.Chance(0.5));
            var run = first ? prefix : suffix;
            var next = rng.Chance(0.2) ? rng.Next(steps.Count + 1) : run + (rng.Chance(0.5) ? 1 : -1);
            SetRun(steps, first, Math.Clamp(next, 0, steps.Count), used ?? rng.Pick(models));
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

    /// <summary>
    /// The first (<paramref name="first"/>) or last <paramref name="count"/> steps on <paramref name="model"/>, the rest
    /// on the primary network.
    /// </summary>
    public static void SetRun(List<StepChoice> steps, bool first, int count, string model)
    {
        for (var i = 0; i < steps.Count; i++)
        {
            var inRun = first ? i < count : i >= steps.Count - count;
            steps[i] = steps[i] with { Model = inRun && steps[i].Method != StepMethod.Teleport ? model : null };
        }
    }
}
