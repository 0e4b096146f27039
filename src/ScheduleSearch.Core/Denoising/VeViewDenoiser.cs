using ScheduleSearch.Core.Noise;

namespace ScheduleSearch.Core.Denoising;

/// <summary>
/// A VP model seen the way k-diffusion and diffusers' sigma-based schedulers see it: a VE denoiser over
/// x_ve = x_t / alpha(t) at sigma = sigma(t) / alpha(t), time being sigma itself (an <see cref="EdmSchedule"/> whose last
/// point may be 0). Each call maps sigma back to the model's time and state and asks the model, so the data and noise
/// predictions are the model's own. Samplers run on it exactly what those libraries run on the same sigmas, the final
/// step to sigma 0 included, which the model's own (VP) time cannot express.
/// </summary>
public sealed class VeViewDenoiser : ISampleIndexedDenoiser
{
    private readonly IDenoiser inner;
    private readonly double? lowestSigma;
    private readonly double modelLowestSigma;

    /// <summary>
    /// Views <paramref name="inner"/>, whose schedule must be variance-preserving (alpha^2 + sigma^2 = 1).
    /// <paramref name="lowestSigma"/> lowers the view's range below the model's lowest sigma, for a run that ends there
    /// without calling the model there (ComfyUI's uni_pc turns a final sigma 0 into 0.001, below most models' range).
    /// </summary>
    public VeViewDenoiser(IDenoiser inner, double? lowestSigma = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (inner.Schedule is not (VpDiscreteSchedule or VpLinearSchedule))
        {
            throw new ArgumentException($"a VE view is defined here for variance-preserving models; this model's schedule is '{inner.Schedule.Kind}'", nameof(inner));
        }

        this.inner = inner;
        var model = inner.Schedule;
        this.lowestSigma = lowestSigma;
        modelLowestSigma = model.VeSigma(model.TMin);
        Schedule = new EdmSchedule(Math.Min(modelLowestSigma, lowestSigma ?? double.PositiveInfinity), model.VeSigma(model.TMax));
    }

    /// <inheritdoc />
    public NoiseSchedule Schedule { get; }

    /// <inheritdoc />
    public int SampleSize => inner.SampleSize;

    /// <inheritdoc />
    public long Calls => inner.Calls;

    /// <summary>
    /// The VE-view state for standard-normal <paramref name="noise"/> where the model's own sampler starts at time
    /// <paramref name="tStart"/> (x_T = noise): noise / alpha(t_T) = noise * sqrt(1 + sigma_T^2).
    /// </summary>
    public void InitialState(double tStart, ReadOnlySpan<double> noise, Span<double> x)
    {
        var scale = 1.0 / inner.Schedule.Alpha(tStart);
        for (var i = 0; i < noise.Length; i++)
        {
            x[i] = scale * noise[i];
        }
    }

    /// <inheritdoc />
    public void Predict(ReadOnlySpan<double> x, int batch, double t, Span<double> x0, Span<double> eps)
    {
        // t is the VE sigma: the model's time has the same log-SNR, and its state is alpha times the VE state; the
        // data prediction is the same, and so is the noise prediction (x_ve = x0 + sigma * eps).
        if (t > 0.0 && t < modelLowestSigma * (1.0 - 1e-9))
        {
            // A view reaching below the model's range (lowestSigma) may step there, never ask the model there.
            throw new InvalidOperationException(FormattableString.Invariant($"the model has no time for sigma {t}: its lowest sigma is {modelLowestSigma}"));
        }

        var time = inner.Schedule.TimeOfVeSigma(t);
        var alpha = inner.Schedule.Alpha(time);
        var scaled = new double[batch * SampleSize];
        for (var i = 0; i < scaled.Length; i++)
        {
            scaled[i] = alpha * x[i];
        }

        inner.Predict(scaled, batch, time, x0, eps);
    }

    /// <inheritdoc />
    public IDenoiser FromSample(int firstSample) =>
        inner is ISampleIndexedDenoiser indexed ? new VeViewDenoiser(indexed.FromSample(firstSample), lowestSigma) : this;
}
