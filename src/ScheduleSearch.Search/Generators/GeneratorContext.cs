using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Ems;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Search.Specs;

namespace ScheduleSearch.Search.Generators;

/// <summary>Everything a generator for one target NFE starts from.</summary>
public sealed record GeneratorContext
{
    /// <summary>The model's noise schedule (timesteps are in its time).</summary>
    public required NoiseSchedule Noise { get; init; }

    /// <summary>The NFE every candidate must cost.</summary>
    public required int Nfe { get; init; }

    /// <summary>The decisions searched.</summary>
    public SearchSpace Space { get; init; } = SearchSpace.Default;

    /// <summary>How evolution makes children (the evolutionary generator and predictor-guided's proposals).</summary>
    public Breeding Breeding { get; init; } = Breeding.Mixing;

    /// <summary>Candidates per generation.</summary>
    public int Population { get; init; } = 50;

    /// <summary>The seed of this generator's random stream.</summary>
    public int Seed { get; init; }

    /// <summary>Evaluations this generator may expect to spend (a composite strategy splits it into phases).</summary>
    public int Budget { get; init; } = 1000;

    /// <summary>Scored schedules at this NFE known before the first ask (baselines, resumed winners), best first.</summary>
    public IReadOnlyList<ScoredSchedule> Seeds { get; init; } = [];

    /// <summary>
    /// The model, for generators that measure the teacher trajectory themselves (dp-timesteps); null when the run
    /// was given none (such generators then propose nothing). Its calls are not evaluations.
    /// </summary>
    public IDenoiser? Model { get; init; }

    /// <summary>
    /// The card's DPM-Solver-v3 statistics: v3 steps may be proposed only where their history and target lie on its
    /// lambda grid; null (a card without statistics) turns every v3 decision into another one.
    /// </summary>
    public EmsStatistics? Ems { get; init; }

    /// <summary>First point of every grid.</summary>
    public double TStart => Math.Min(Space.TMax ?? Noise.DefaultTStart, Noise.TMax);

    /// <summary>Lowest allowed last point.</summary>
    public double TEndLow => Math.Max(Space.TMinLow ?? Noise.DefaultTEnd, Noise.TMin);

    /// <summary>Highest allowed last point.</summary>
    public double TEndHigh => Math.Max(Space.TMinHigh ?? Noise.DefaultTEnd, TEndLow);

    /// <summary>Number of end points a t_min range is searched over (each needs a teacher of its own).</summary>
    public const int EndChoices = 4;

    /// <summary>
    /// The allowed end point nearest to <paramref name="tEnd"/> (in log t): the range's two ends and log-spaced points
    /// between them. Teacher metrics compare states at the same time, so every distinct end costs one teacher run;
    /// a handful of choices keeps that bounded.
    /// </summary>
    public double SnapEnd(double tEnd)
    {
        var low = TEndLow;
        var high = TEndHigh;
        if (!(high > low) || low <= 0.0 || !(tEnd > 0.0))
        {
            return Math.Clamp(tEnd, low, high);
        }

        var position = (Math.Log(tEnd) - Math.Log(low)) / (Math.Log(high) - Math.Log(low));
        var k = (int)Math.Round(Math.Clamp(position, 0.0, 1.0) * (EndChoices - 1));
        return k == EndChoices - 1 ? high : k == 0 ? low : Math.Exp(Math.Log(low) + (k * (Math.Log(high) - Math.Log(low)) / (EndChoices - 1)));
    }
}
