using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Solvers;

namespace ScheduleSearch.Evaluation.Cost;

/// <summary>
/// Which network makes each model call of a schedule: the calls per variant name (<see cref="ModelCallTimes.Primary"/>
/// for the card's primary network). The counts come from <see cref="EvaluationPlan.StepEvaluations"/>, so they agree
/// with the NFE; the attribution follows the <see cref="Sampler"/>: a step's own calls (anchor, inner singlestep and
/// Heun stages) use its model, a UniC or implicit corrector's calls at the next point use the next step's model (on
/// the last step the implicit corrector uses its own), and the denoise-to-zero call uses the last step's.
/// </summary>
public static class ModelCalls
{
    /// <summary>Model calls of <paramref name="schedule"/> per variant name (only names with at least one call).</summary>
    public static IReadOnlyDictionary<string, int> PerModel(SamplerSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        void Add(string? model, int calls)
        {
            if (calls > 0)
            {
                var name = model ?? ModelCallTimes.Primary;
                counts[name] = counts.GetValueOrDefault(name) + calls;
            }
        }

        var steps = schedule.Steps;
        var hasAnchor = false;
        for (var i = 0; i < steps.Length; i++)
        {
            var step = steps[i];
            var last = i == steps.Length - 1;
            var calls = EvaluationPlan.StepEvaluations(schedule, i, hasAnchor, out hasAnchor);
            var atNext = step.Method is StepMethod.Heun or StepMethod.Teleport || last ? 0 : step.Corrector switch
            {
                CorrectorKind.UniC or CorrectorKind.DpmSolverV3 or CorrectorKind.DpmSolverV3Pseudo => 1,
                CorrectorKind.Implicit => 2,
                _ => 0,
            };
            Add(step.Model, calls - atNext);
            Add(last ? step.Model : steps[i + 1].Model, atNext);
        }

        if (schedule.Options.DenoiseToZero && steps.Length > 0)
        {
            Add(steps[^1].Model, 1);
        }

        return counts;
    }

    /// <summary>The calls per network in one line, by name: "primary x3 small x5".</summary>
    public static string Describe(SamplerSchedule schedule) =>
        string.Join(" ", PerModel(schedule).OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => ModelCallTimes.Label(p.Key) + " x" + p.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
}
