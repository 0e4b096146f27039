using System.Diagnostics;
using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;

namespace ScheduleSearch.Evaluation;

/// <summary>Forwards to a denoiser and counts its calls and the time spent in them (thread-safe).</summary>
internal sealed class TimedDenoiser(IDenoiser inner) : IDenoiser
{
    private long calls;
    private long ticks;

    public NoiseSchedule Schedule => inner.Schedule;

    public int SampleSize => inner.SampleSize;

    public long Calls => Interlocked.Read(ref calls);

    public TimeSpan Time => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref ticks));

    public void Predict(ReadOnlySpan<double> x, int batch, double t, Span<double> x0, Span<double> eps)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            inner.Predict(x, batch, t, x0, eps);
        }
        finally
        {
            Interlocked.Add(ref ticks, Stopwatch.GetTimestamp() - start);
            Interlocked.Increment(ref calls);
        }
    }
}
