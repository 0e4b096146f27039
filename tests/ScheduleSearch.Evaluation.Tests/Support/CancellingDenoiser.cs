using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Evaluation.Tests.Support;

/// <summary>Cancels a token once a given number of calls has been made after <see cref="Arm"/>.</summary>
internal sealed class CancellingDenoiser(CountingDenoiser inner, CancellationTokenSource source, int afterCalls) : IDenoiser
{
    private long armedAt = long.MaxValue;

    public NoiseSchedule Schedule => inner.Schedule;

    public int SampleSize => inner.SampleSize;

    public long Calls => inner.Calls;

    public void Arm(long calls) => armedAt = calls;

    public void Predict(ReadOnlySpan<double> x, int batch, double t, Span<double> x0, Span<double> eps)
    {
        inner.Predict(x, batch, t, x0, eps);
        if (inner.Calls - armedAt >= afterCalls)
        {
            source.Cancel();
        }
    }
}
