using ScheduleSearch.Core.Noise;

namespace ScheduleSearch.Core.Ems;

/// <summary>
/// What the statistics estimator needs from a model: its noise prediction eps(x, t) and Jacobian-vector products of
/// it. Rows of a call share one time.
/// </summary>
public interface IEmsModel
{
    /// <summary>The model's forward process.</summary>
    NoiseSchedule Schedule { get; }

    /// <summary>Values per sample.</summary>
    int SampleSize { get; }

    /// <summary>True when calls may run concurrently (the estimator then spreads grid points over threads).</summary>
    bool IsThreadSafe { get; }

    /// <summary>eps(x, t) for <paramref name="batch"/> rows.</summary>
    void Noise(ReadOnlySpan<double> x, int batch, double t, Span<double> eps);

    /// <summary>
    /// The derivative of eps along a direction: d/de eps(x + e dx, t(lambda(t) + e dLambda)) at e = 0, i.e.
    /// (d eps/dx) dx + (d eps/d lambda) dLambda with lambda the half log-SNR.
    /// </summary>
    void Tangent(ReadOnlySpan<double> x, int batch, double t, ReadOnlySpan<double> dx, double dLambda, Span<double> dEps);
}
