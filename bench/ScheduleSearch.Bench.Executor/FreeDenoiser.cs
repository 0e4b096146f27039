using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;

namespace ScheduleSearch.Bench.Executor;

/// <summary>A model that costs nothing: it leaves fixed predictions in place, so only the executor's own work is timed.</summary>
internal sealed class FreeDenoiser(NoiseSchedule schedule, int sampleSize) : IDenoiser
{
    public NoiseSchedule Schedule { get; } = schedule;

    public int SampleSize { get; } = sampleSize;

    public long Calls { get; private set; }

    public void Predict(ReadOnlySpan<double> x, int batch, double t, Span<double> x0, Span<double> eps)
    {
        Calls++;
    }
}
