using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Ems;
using ScheduleSearch.Search.Generators;

namespace ScheduleSearch.Search.Running;

/// <summary>Optional knobs of a <see cref="SearchRun"/>.</summary>
public sealed record SearchRunOptions
{
    /// <summary>Creates the generator for one NFE (null = <see cref="GeneratorCatalog.Create"/> with the spec's strategy.kind).</summary>
    public Func<GeneratorContext, ICandidateGenerator>? GeneratorFactory { get; init; }

    /// <summary>The model, handed to generators that measure the teacher trajectory themselves (<see cref="GeneratorContext.Model"/>).</summary>
    public IDenoiser? Model { get; init; }

    /// <summary>
    /// The card's DPM-Solver-v3 statistics: the dpm-solver-v3 baseline snaps to their grid and generators may propose v3
    /// steps on it (null: that baseline is skipped and v3 decisions are turned into others).
    /// </summary>
    public EmsStatistics? Ems { get; init; }

    /// <summary>The clock behind budget.hours and heartbeats.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>A running search beats this often, on a timer, whatever it is computing (the store's timeout is several times longer).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Baselines evaluated per batch (smaller batches stop sooner on cancellation).</summary>
    public int BaselineBatch { get; init; } = 32;

    /// <summary>Baselines per NFE re-scored on the held-out set beside the winner.</summary>
    public int HeldOutBaselines { get; init; } = 3;

    /// <summary>
    /// Measures the model's time per call per variant (ScheduleSearch.Evaluation.Cost.ModelCallTimer), run once per
    /// search on its first run and stored with it; needed by a time-budget objective (null = no time measurement).
    /// </summary>
    public Func<ScheduleSearch.Evaluation.Cost.ModelCallTimes>? MeasureCallTimes { get; init; }

    /// <summary>
    /// What the evaluator's keys are computed from, written onto the search record when the run begins so that readers
    /// (show, export, plot, db copy) find the search's held-out scores by the keys it used (null: not written).
    /// </summary>
    public ScheduleSearch.Evaluation.EvaluationIdentity? Identity { get; init; }

    /// <summary>Skip the held-out re-scoring at the end (tests; the headline is then missing).</summary>
    public bool SkipHeldOut { get; init; }
}
