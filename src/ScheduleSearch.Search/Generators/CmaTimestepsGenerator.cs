using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Search.Operators;
using ScheduleSearch.Search.Optimizers;

namespace ScheduleSearch.Search.Generators;

/// <summary>
/// CMA-ES on the timesteps of a fixed decision template (by default the best seed, i.e. the best baseline, brought
/// into the space when it lies outside (<see cref="ScheduleEditing.IntoSpace"/>)):
/// the parameters are the logs of the lambda increments through a softmax (<see cref="LambdaIncrements"/>),
/// started at the template's own grid. SEARCH-NOTES.md section 4: the strongest single ingredient. Restarts
/// from the best grid found with a smaller step when the step size collapses.
/// </summary>
public sealed class CmaTimestepsGenerator : ICandidateGenerator
{
    private readonly GeneratorContext context;
    private readonly Random rng;
    private readonly SamplerSchedule? template;
    private readonly double sigma0;
    private readonly List<(double[] Point, string Key)> pending = [];
    private CmaEs? cma;
    private double[]? bestPoint;
    private double bestScore = double.PositiveInfinity;

    /// <summary>Creates the generator on <paramref name="template"/> (null = the best seed).</summary>
    public CmaTimestepsGenerator(GeneratorContext context, SamplerSchedule? template = null, double sigma = 0.35)
    {
        ArgumentNullException.ThrowIfNull(context);
        this.context = context;
        rng = new Random(context.Seed);
        sigma0 = sigma;
        var best = ScheduleEditing.BestTemplate(context);
        this.template = template ?? best?.Schedule;
        if (this.template is not null)
        {
            bestPoint = LambdaIncrements.ToParameters(context, this.template.Timesteps);
            bestScore = template is null && best is not null ? best.Value.Score : double.PositiveInfinity;
            cma = new CmaEs(bestPoint, sigma0);
        }
    }

    /// <inheritdoc />
    public string Name => "cma-timesteps";

    /// <inheritdoc />
    public IReadOnlyList<SamplerSchedule> Ask()
    {
        pending.Clear();
        if (cma is null || template is null)
        {
            return [];
        }

        if (cma.Sigma < 2e-3 && bestPoint is not null)
        {
            cma = new CmaEs(bestPoint, Math.Max(cma.Sigma * 20, sigma0 / 4));
        }

        var batch = new List<SamplerSchedule>();
        for (var tries = 0; batch.Count < cma.Lambda && tries < cma.Lambda * 10; tries++)
        {
            var z = cma.Sample(rng);
            if (LambdaIncrements.Apply(context, template, z, template.Steps, rng, template.Name) is { } s)
            {
                batch.Add(s);
                pending.Add((z, ScheduleKey.Compute(s)));
            }
        }

        return batch;
    }

    /// <inheritdoc />
    public void Tell(IReadOnlyList<ScoredSchedule> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (cma is null)
        {
            return;
        }

        var scored = new List<(double[] Point, double Score)>();
        for (var i = 0; i < results.Count && i < pending.Count; i++)
        {
            scored.Add((pending[i].Point, results[i].Score));
            if (results[i].Score < bestScore)
            {
                bestScore = results[i].Score;
                bestPoint = pending[i].Point;
            }
        }

        cma.Tell(scored);
    }
}
