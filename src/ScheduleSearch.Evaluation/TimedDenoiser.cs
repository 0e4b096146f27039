using System.Diagnostics;
using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;

namespace ScheduleSearch.Evaluation;

/// <summary>
/// Forwards to a denoiser and counts its calls and the time spent in them (thread-safe). Views from
/// <see cref="FromSample"/> count into the same totals.
/// </summary>
internal sealed class TimedDenoiser(IDenoiser inner, TimedDenoiser? totals = null) : ISampleIndexedDenoiser
{
    private long calls;
    private long ticks;

    public NoiseSchedule Schedule => inner.Schedule;

    public int SampleSize => inner.SampleSize;

    public long Calls => Interlocked.Read(ref calls);

    public TimeSpan Time => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref ticks));

    public IDenoiser FromSample(int firstSample) =>
        inner is ISampleIndexedDenoiser indexed && indexed.FromSample(firstSample) is var view && !ReferenceEquals(view, inner)
            ? new TimedDenoiser(view, totals ?? this)
            : this;

    public void Predict(ReadOnlySpan<double> x, int batch, double t, Span<double> x0, Span<double> eps)
    {
        var start = Stopwatch.GetTimestamp();
        var counter = totals ?? this;
        try
        {
            inner.Predict(x, batch, t, x0, eps);
        }
        finally
        {
            Interlocked.Add(ref counter.ticks, Stopwatch.GetTimestamp() - start);
            Interlocked.Increment(ref counter.calls);
        }
    }
}
