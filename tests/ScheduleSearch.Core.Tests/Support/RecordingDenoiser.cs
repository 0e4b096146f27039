using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;

namespace ScheduleSearch.Core.Tests.Support;

/// <summary>Wraps a denoiser and records the time of every call (to compare with the authors' call log).</summary>
internal sealed class RecordingDenoiser(IDenoiser inner) : IDenoiser
{
    public List<double> Times { get; } = [];

    public NoiseSchedule Schedule => inner.Schedule;

    public int SampleSize => inner.SampleSize;

    public long Calls => inner.Calls;

    public void Predict(ReadOnlySpan<double> x, int batch, double t, Span<double> x0, Span<double> eps)
    {
        Times.Add(t);
        inner.Predict(x, batch, t, x0, eps);
    }
}
