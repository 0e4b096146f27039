using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;

namespace ScheduleSearch.Evaluation.Tests;

/// <summary>Wraps a denoiser, counts calls, and can poison its output with NaN.</summary>
internal sealed class CountingDenoiser(IDenoiser inner, bool poison = false) : IDenoiser
{
    private long calls;

    public NoiseSchedule Schedule => inner.Schedule;

    public int SampleSize => inner.SampleSize;

    public long Calls => Interlocked.Read(ref calls);

    public bool Poison { get; set; } = poison;

    public void Predict(ReadOnlySpan<double> x, int batch, double t, Span<double> x0, Span<double> eps)
    {
        Interlocked.Increment(ref calls);
        inner.Predict(x, batch, t, x0, eps);
        if (Poison)
        {
            x0[0] = double.NaN;
            eps[0] = double.NaN;
        }
    }
}
