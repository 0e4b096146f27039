using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;

namespace ScheduleSearch.Tests.Shared;

/// <summary>
/// Wraps a denoiser: counts its calls (safe across threads), keeps the time of every call in call order (to compare
/// with the authors' call log), and can poison its output with NaN. One file, compiled into every test project that
/// needs it.
/// </summary>
public sealed class CountingDenoiser(IDenoiser inner, bool poison = false) : IDenoiser
{
    private readonly List<double> times = [];
    private long calls;

    /// <inheritdoc />
    public NoiseSchedule Schedule => inner.Schedule;

    /// <inheritdoc />
    public int SampleSize => inner.SampleSize;

    /// <inheritdoc />
    public long Calls => Interlocked.Read(ref calls);

    /// <summary>When set, every call's first x0 and eps values are NaN (a diverging network).</summary>
    public bool Poison { get; set; } = poison;

    /// <summary>The time of every call so far, in call order.</summary>
    public IReadOnlyList<double> Times
    {
        get
        {
            lock (times)
            {
                return [.. times];
            }
        }
    }

    /// <inheritdoc />
    public void Predict(ReadOnlySpan<double> x, int batch, double t, Span<double> x0, Span<double> eps)
    {
        Interlocked.Increment(ref calls);
        lock (times)
        {
            times.Add(t);
        }

        inner.Predict(x, batch, t, x0, eps);
        if (Poison)
        {
            x0[0] = double.NaN;
            eps[0] = double.NaN;
        }
    }
}
