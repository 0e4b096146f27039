using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Search.Operators;
using ScheduleSearch.Search.Optimizers;

namespace ScheduleSearch.Search.Generators;

/// <summary>
/// The peer's recipe done in one generator: CMA-ES on the lambda increments (as <see cref="CmaTimestepsGenerator"/>)
/// while each step's decisions (order, prediction, derivative, corrector) are drawn from the decisions of the
/// best schedules seen so far, smoothed towards the whole space (a Parzen-style "good" distribution, as TPE
/// draws from its good set). The step count and methods stay the template's, so the NFE is kept.
/// </summary>
public sealed class JointCmaGenerator : ICandidateGenerator
{
    private const double Explore = 0.15;
    private readonly GeneratorContext context;
    private readonly Random rng;
    private readonly SamplerSchedule? template;
    private readonly double sigma0;
    private readonly Archive archive = new();
    private readonly List<double[]> pendingPoints = [];
    private CmaEs? cma;
    private double[]? bestPoint;
    private double bestScore = double.PositiveInfinity;

    /// <summary>Creates the generator on <paramref name="template"/> (null = the best seed).</summary>
    public JointCmaGenerator(GeneratorContext context, SamplerSchedule? template = null, double sigma = 0.3)
    {
        ArgumentNullException.ThrowIfNull(context);
        this.context = context;
        rng = new Random(context.Seed);
        sigma0 = sigma;
        archive.Add(context.Seeds);
        // The best seed outside an exact space is projected into it (its decisions kept where the space allows).
        var best = archive.Best;
        this.template = template ?? (best is null ? null : ScheduleEditing.IntoSpace(context, best.Schedule) ?? ScheduleEditing.BestTemplate(context)?.Schedule);
        if (this.template is not null)
        {
            bestPoint = LambdaIncrements.ToParameters(context, this.template.Timesteps);
            cma = new CmaEs(bestPoint, sigma0, Math.Max(12, 4 + (int)Math.Floor(3 * Math.Log(bestPoint.Length))));
        }
    }

    /// <inheritdoc />
    public string Name => "joint-cma";

    /// <inheritdoc />
    public IReadOnlyList<SamplerSchedule> Ask()
    {
        pendingPoints.Clear();
        if (cma is null || template is null)
        {
            return [];
        }

        if (cma.Sigma < 2e-3 && bestPoint is not null)
        {
            cma = new CmaEs(bestPoint, Math.Max(cma.Sigma * 20, sigma0 / 4), cma.Lambda);
        }

        var good = GoodSet();
        var batch = new List<SamplerSchedule>();
        for (var tries = 0; batch.Count < cma.Lambda && tries < cma.Lambda * 10; tries++)
        {
            var z = cma.Sample(rng);
            var steps = template.Steps.Select((s, i) => Draw(s, i, good)).ToArray();
            var options = DrawOptions(good);
            if (LambdaIncrements.Apply(context, template, z, steps, rng, template.Name, options) is { } schedule)
            {
                archive.MarkAsked(schedule);
                batch.Add(schedule);
                pendingPoints.Add(z);
            }
        }

        return batch;
    }

    /// <inheritdoc />
    public void Tell(IReadOnlyList<ScoredSchedule> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        archive.Add(results);
        if (cma is null)
        {
            return;
        }

        var scored = new List<(double[] Point, double Score)>();
        for (var i = 0; i < results.Count && i < pendingPoints.Count; i++)
        {
            scored.Add((pendingPoints[i], results[i].Score));
            if (results[i].Score < bestScore)
            {
                bestScore = results[i].Score;
                bestPoint = pendingPoints[i];
            }
        }

        cma.Tell(scored);
    }

    /// <summary>The top 15% of scored schedules with the template's step count (at least 5, at most 25).</summary>
    private IReadOnlyList<SamplerSchedule> GoodSet()
    {
        var same = archive.Items.Where(i => double.IsFinite(i.Score) && i.Schedule.Steps.Length == template!.Steps.Length).ToArray();
        var k = Math.Clamp(same.Length * 15 / 100, 5, 25);
        return same.OrderBy(i => i.Score).Take(k).Select(i => i.Schedule).ToArray();
    }

    private StepChoice Draw(StepChoice step, int index, IReadOnlyList<SamplerSchedule> good)
    {
        if (!step.IsExponentialIntegrator)
        {
            return step;
        }

        var space = context.Space;
        var drawn = step with
        {
            Order = Choose(space.Orders, good, g => g.Steps[index].Order, step.Order),
            Prediction = Choose(space.Predictions, good, g => g.Steps[index].Prediction, step.Prediction),
            Derivative = step.Method == StepMethod.Singlestep ? step.Derivative : Choose(space.Derivatives, good, g => g.Steps[index].Derivative, step.Derivative),
            Corrector = Choose(space.Correctors, good, g => g.Steps[index].Corrector, step.Corrector),
        };
        if (space.TimeShift)
        {
            // Explore: off half the time, else uniform within the bound at the template's start time of the step.
            var bound = space.TimeShiftBound * template!.Timesteps[index];
            drawn = drawn with { TimeShift = ChooseNumber(good, g => g.Steps[index].TimeShift, () => rng.Chance(0.5) ? 0.0 : bound * ((2.0 * rng.NextDouble()) - 1.0), bound / 10.0) };
        }

        if (space.Compensation)
        {
            var bound = space.CompensationBound;
            drawn = drawn with { Compensation = ChooseNumber(good, g => g.Steps[index].Compensation, () => rng.Chance(0.5) ? 1.0 : 1.0 + (bound * ((2.0 * rng.NextDouble()) - 1.0)), bound / 10.0) };
        }

        return drawn;
    }

    /// <summary>The schedule-wide wide decisions (momentum, afs) drawn as the step decisions are; the template's in a plain space.</summary>
    private ScheduleOptions DrawOptions(IReadOnlyList<SamplerSchedule> good)
    {
        var space = context.Space;
        var options = template!.Options;
        if (space.AfsModes.Length > 0)
        {
            options = options with { Afs = Choose([AnalyticFirstStep.None, .. space.AfsModes], good, g => g.Options.Afs, options.Afs) };
        }

        if (space.Momentum)
        {
            var max = space.MomentumMax;
            options = options with { Momentum = ChooseNumber(good, g => g.Options.Momentum, () => rng.Chance(0.5) ? 0.0 : max * rng.NextDouble(), max / 10.0) };
        }

        return options;
    }

    /// <summary>A continuous decision: a good schedule's value with a small Gaussian jitter, or (exploring) a fresh draw.</summary>
    private double ChooseNumber(IReadOnlyList<SamplerSchedule> good, Func<SamplerSchedule, double> read, Func<double> explore, double jitter)
    {
        if (good.Count == 0 || rng.Chance(Explore))
        {
            return explore();
        }

        var value = read(good[rng.Next(good.Count)]);
        return rng.Chance(0.5) ? value : value + (jitter * rng.Gaussian());
    }

    private T Choose<T>(IReadOnlyList<T> values, IReadOnlyList<SamplerSchedule> good, Func<SamplerSchedule, T> read, T fallback)
        where T : notnull
    {
        if (good.Count == 0 || rng.Chance(Explore))
        {
            return values.Count > 0 ? rng.Pick(values) : fallback;
        }

        // Drawing one good schedule's value is drawing from the good set's empirical distribution.
        return read(good[rng.Next(good.Count)]);
    }
}
