using ScheduleSearch.Core.Noise;

namespace ScheduleSearch.Core.Denoising;

/// <summary>
/// The one contract every sampler sees (k-diffusion's "one denoiser"): a batch of states at one time t in,
/// the data prediction x0_hat and the noise prediction eps_hat out. Implementations convert their model's
/// own parameterisation once (see <see cref="ParameterizedDenoiser"/>).
/// </summary>
public interface IDenoiser
{
    /// <summary>The forward process the model was trained with.</summary>
    NoiseSchedule Schedule { get; }

    /// <summary>Number of values in one sample (the product of the sample shape).</summary>
    int SampleSize { get; }

    /// <summary>Number of <see cref="Predict"/> calls so far: one per batch, however the model splits it.</summary>
    long Calls { get; }

    /// <summary>
    /// Evaluates the model on <paramref name="batch"/> states <paramref name="x"/> (row-major, batch x SampleSize)
    /// at time <paramref name="t"/> and writes both predictions.
    /// </summary>
    void Predict(ReadOnlySpan<double> x, int batch, double t, Span<double> x0, Span<double> eps);
}
