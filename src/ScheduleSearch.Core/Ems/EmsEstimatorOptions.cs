namespace ScheduleSearch.Core.Ems;

/// <summary>
/// Settings of the statistics estimate (the authors' compute_EMS defaults: 1200 grid intervals, 8 batches of 512
/// data samples, t from 1 to the model's smallest t).
/// </summary>
public sealed record EmsEstimatorOptions
{
    /// <summary>Grid intervals K in lambda.</summary>
    public int Intervals { get; init; } = EmsStatistics.DefaultIntervals;

    /// <summary>Data samples per batch.</summary>
    public int BatchSize { get; init; } = 512;

    /// <summary>Batches (the same data batches at every grid point); BatchSize x Batches data rows are used.</summary>
    public int Batches { get; init; } = 8;

    /// <summary>The noisiest grid time (null: the model's default start).</summary>
    public double? TStart { get; init; }

    /// <summary>The cleanest grid time (null: the model's default end).</summary>
    public double? TEnd { get; init; }

    /// <summary>Half-width of the moving average that smooths dl/dlambda (the authors' 11-point window: 5).</summary>
    public int SmoothingHalfWidth { get; init; } = 5;

    /// <summary>Threads over grid points when the model allows it (1 = sequential).</summary>
    public int MaxParallelism { get; init; } = 1;
}
