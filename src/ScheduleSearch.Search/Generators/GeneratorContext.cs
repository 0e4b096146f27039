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

    /// <summary>Candidates per generation.</summary>
    public int Population { get; init; } = 50;

    /// <summary>The seed of this generator's random stream.</summary>
    public int Seed { get; init; }

    /// <summary>Evaluations this generator may expect to spend (a composite strategy splits it into phases).</summary>
    public int Budget { get; init; } = 1000;

    /// <summary>Scored schedules at this NFE known before the first ask (baselines, resumed winners), best first.</summary>
    public IReadOnlyList<ScoredSchedule> Seeds { get; init; } = [];

    /// <summary>First point of every grid.</summary>
    public double TStart => Math.Min(Space.TMax ?? Noise.DefaultTStart, Noise.TMax);

    /// <summary>Lowest allowed last point.</summary>
    public double TEndLow => Math.Max(Space.TMinLow ?? Noise.DefaultTEnd, Noise.TMin);

    /// <summary>Highest allowed last point.</summary>
    public double TEndHigh => Math.Max(Space.TMinHigh ?? Noise.DefaultTEnd, TEndLow);
}
