using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Search.Operators;

namespace ScheduleSearch.Search.Generators;

/// <summary>
/// Local search on the timesteps of the current best (at first the best seed brought into the space): a compass (coordinate) search on the log lambda
/// increments, each round trying +/- step on every coordinate, moving to the best improvement, halving the
/// step when none improves. Stops (asks nothing) when the step falls below 1e-3.
/// </summary>
public sealed class RefineGenerator : ICandidateGenerator
{
    private readonly GeneratorContext context;
    private readonly Random rng;
    private readonly List<double[]> pending = [];
    private SamplerSchedule? current;
    private double[]? point;
    private double score = double.PositiveInfinity;
    private double step;

    /// <summary>Creates the generator at the best seed with an initial step of <paramref name="initialStep"/> in log-increment units.</summary>
    public RefineGenerator(GeneratorContext context, double initialStep = 0.2)
    {
        ArgumentNullException.ThrowIfNull(context);
        this.context = context;
        rng = new Random(context.Seed);
        step = initialStep;
        if (ScheduleEditing.BestTemplate(context) is { } best)
        {
            current = best.Schedule;
            score = best.Score;
            point = LambdaIncrements.ToParameters(context, current.Timesteps);
        }
    }

    /// <inheritdoc />
    public string Name => "refine";

    /// <inheritdoc />
    public IReadOnlyList<SamplerSchedule> Ask()
    {
        pending.Clear();
        if (current is null || point is null || step < 1e-3)
        {
            return [];
        }

        var batch = new List<SamplerSchedule>();
        for (var i = 0; i < point.Length; i++)
        {
            foreach (var sign in (ReadOnlySpan<double>)[1.0, -1.0])
            {
                var z = (double[])point.Clone();
                z[i] += sign * step;
                if (LambdaIncrements.Apply(context, current, z, current.Steps, rng, current.Name) is { } s)
                {
                    batch.Add(s);
                    pending.Add(z);
                }
            }
        }

        return batch;
    }

    /// <inheritdoc />
    public void Tell(IReadOnlyList<ScoredSchedule> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var improved = false;
        for (var i = 0; i < results.Count && i < pending.Count; i++)
        {
            if (results[i].Score < score)
            {
                score = results[i].Score;
                point = pending[i];
                current = results[i].Schedule;
                improved = true;
            }
        }

        if (!improved)
        {
            step /= 2;
        }
    }
}
