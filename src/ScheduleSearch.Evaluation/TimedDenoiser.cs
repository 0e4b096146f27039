using System.Diagnostics;
using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;

namespace ScheduleSearch.Evaluation;

/// <summary>
/// Forwards to a denoiser and counts its calls and the time spent in them (thread-safe). Views from
/// <see cref="FromSample"/> count into the same totals. Rows at their own times go through when the inner denoiser
/// takes them in one run (<see cref="IRowTimeDenoiser"/>).
/// </summary>
internal sealed class TimedDenoiser(IDenoiser inner, TimedDenoiser? totals = null) : ISampleIndexedDenoiser, IRowTimeDenoiser
{
    private long calls;
    private long ticks;

    public NoiseSchedule Schedule => inner.Schedule;

    public int SampleSize => inner.SampleSize;

    public long Calls => Interlocked.Read(ref calls);

    public TimeSpan Time => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref ticks));

    /// <summary>True when a call treats its rows as samples 0, 1, ... of a noise set (the rows of a batch are not interchangeable).</summary>
    public bool IsSampleIndexed => !ReferenceEquals(FromSample(1), this);

    public bool HandlesRowTimes => inner is IRowTimeDenoiser { HandlesRowTimes: true };

    public IDenoiser FromSample(int firstSample) =>
        inner is ISampleIndexedDenoiser indexed && indexed.FromSample(firstSample) is var view && !ReferenceEquals(view, inner)
            ? new TimedDenoiser(view, totals ?? this)
            : this;

    public void Predict(ReadOnlySpan<double> x, int batch, double t, Span<double> x0, Span<double> eps)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            inner.Predict(x, batch, t, x0, eps);
        }
        finally
        {
            Count(start);
        }
    }

    public void PredictRows(ReadOnlySpan<double> x, ReadOnlySpan<double> t, Span<double> x0, Span<double> eps)
    {
        if (inner is not IRowTimeDenoiser { HandlesRowTimes: true } rows)
        {
            throw new NotSupportedException("this model evaluates one time per run");
        }

        var start = Stopwatch.GetTimestamp();
        try
        {
            rows.PredictRows(x, t, x0, eps);
        }
        finally
        {
            Count(start);
        }
    }

    private void Count(long start)
    {
        var counter = totals ?? this;
        Interlocked.Add(ref counter.ticks, Stopwatch.GetTimestamp() - start);
        Interlocked.Increment(ref counter.calls);
    }
}
