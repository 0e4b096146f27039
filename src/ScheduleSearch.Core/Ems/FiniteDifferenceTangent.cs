using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;

namespace ScheduleSearch.Core.Ems;

/// <summary>
/// Jacobian-vector products of any denoiser by central differences in float64 around it:
/// (eps(x + h dx, t(lambda + h dLambda)) - eps(x - h dx, t(lambda - h dLambda))) / 2h. The truncation error is
/// O(h^2) (the third derivative of eps along the direction), the rounding error about u |eps| / h where u is the
/// model's arithmetic precision (about 6e-8 for a float32 ONNX graph): h near (3 u)^(1/3) ~ 5e-3 balances them for
/// directions of unit size. bench/BENCHMARKS.md measures the resulting error in the statistics against exact
/// products on the Gaussian-mixture ONNX model. Not for models with an integer time input (their time is snapped).
/// </summary>
public sealed class FiniteDifferenceTangent : IEmsModel
{
    /// <summary>The default step: balances truncation and float32 rounding for unit directions.</summary>
    public const double DefaultStep = 5e-3;

    private readonly IDenoiser denoiser;
    private readonly double step;

    /// <summary>Wraps <paramref name="denoiser"/>; <paramref name="step"/> is h (in units of the direction).</summary>
    public FiniteDifferenceTangent(IDenoiser denoiser, double step = DefaultStep)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        if (!(step > 0.0) || !double.IsFinite(step))
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "the finite-difference step must be positive");
        }

        this.denoiser = denoiser;
        this.step = step;
    }

    /// <inheritdoc />
    public NoiseSchedule Schedule => denoiser.Schedule;

    /// <inheritdoc />
    public int SampleSize => denoiser.SampleSize;

    /// <inheritdoc />
    public bool IsThreadSafe => false;

    /// <inheritdoc />
    public void Noise(ReadOnlySpan<double> x, int batch, double t, Span<double> eps)
    {
        var x0 = new double[x.Length];
        denoiser.Predict(x, batch, t, x0, eps);
    }

    /// <inheritdoc />
    public void Tangent(ReadOnlySpan<double> x, int batch, double t, ReadOnlySpan<double> dx, double dLambda, Span<double> dEps)
    {
        var n = x.Length;
        var shifted = new double[n];
        var plus = new double[n];
        var minus = new double[n];
        var lambda = Schedule.Lambda(t);
        for (var sign = -1; sign <= 1; sign += 2)
        {
            for (var i = 0; i < n; i++)
            {
                shifted[i] = x[i] + (sign * step * dx[i]);
            }

            var ts = dLambda == 0.0 ? t : Schedule.InverseLambda(lambda + (sign * step * dLambda));
            Noise(shifted, batch, ts, sign > 0 ? plus : minus);
        }

        for (var i = 0; i < n; i++)
        {
            dEps[i] = (plus[i] - minus[i]) / (2.0 * step);
        }
    }
}
