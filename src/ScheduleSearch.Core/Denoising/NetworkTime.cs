using ScheduleSearch.Core.Noise;

namespace ScheduleSearch.Core.Denoising;

/// <summary>
/// A time convention (SOLVERS.md section 1) in one place, as DPM-Solver's <c>model_wrapper</c> keeps the time input
/// beside the model type: what a network is fed at continuous time t, and how its output is finished into the
/// parameterisation <see cref="ParameterizedDenoiser"/> converts.
/// </summary>
public sealed class NetworkTime
{
    private readonly double sigmaData;

    /// <summary>The convention <paramref name="convention"/> under <paramref name="schedule"/>.</summary>
    /// <param name="schedule">The forward process.</param>
    /// <param name="convention">What the time input holds.</param>
    /// <param name="timeScale">continuous-t: the network receives timeScale * t.</param>
    /// <param name="sigmaData">edm-c-noise: EDM's sigma_data.</param>
    public NetworkTime(NoiseSchedule schedule, TimeConvention convention, double timeScale = 1.0, double sigmaData = 0.5)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        Schedule = schedule;
        Convention = convention;
        TimeScale = timeScale;
        this.sigmaData = sigmaData;
    }

    /// <summary>The forward process.</summary>
    public NoiseSchedule Schedule { get; }

    /// <summary>What the time input holds.</summary>
    public TimeConvention Convention { get; }

    /// <summary>continuous-t's factor on t.</summary>
    public double TimeScale { get; }

    /// <summary>True when the network's output is combined with its input (EDM's preconditioning).</summary>
    public bool Combines => Convention == TimeConvention.EdmCNoise;

    /// <summary>The network's input scale and time value at <paramref name="t"/>, and EDM's output combination.</summary>
    public NetworkCoefficients At(double t)
    {
        var alpha = Schedule.Alpha(t);
        var sigma = Schedule.Sigma(t);
        var veSigma = sigma / alpha;
        switch (Convention)
        {
            case TimeConvention.DiscreteIndex:
                return new NetworkCoefficients(alpha, 1.0, Schedule.ModelTime(t), 0.0, 1.0, false);
            case TimeConvention.ContinuousT:
                return new NetworkCoefficients(alpha, 1.0, t * TimeScale, 0.0, 1.0, false);
            case TimeConvention.VeSigma:
                return new NetworkCoefficients(alpha, 1.0 / alpha, veSigma, 0.0, 1.0, false);
            case TimeConvention.EdmCNoise:
                {
                    if (veSigma == 0.0)
                    {
                        // D(xbar, 0) = xbar: c_skip = 1, c_out = 0, and ln(0) has no network input.
                        return new NetworkCoefficients(alpha, 1.0, 0.0, 1.0, 0.0, true);
                    }

                    // Karras et al. 2022, Table 1: c_in, c_noise, c_skip, c_out; D = c_skip xbar + c_out F(c_in xbar, c_noise).
                    var total = (veSigma * veSigma) + (sigmaData * sigmaData);
                    return new NetworkCoefficients(alpha, 1.0 / (alpha * Math.Sqrt(total)), Math.Log(veSigma) / 4.0, sigmaData * sigmaData / total / alpha, veSigma * sigmaData / Math.Sqrt(total), false);
                }

            default:
                throw new InvalidOperationException($"unknown time convention {Convention}");
        }
    }

    /// <summary>
    /// Finishes the network's raw output <paramref name="output"/> (rows of states <paramref name="x"/> at coefficients
    /// <paramref name="c"/>) in place: x / alpha where the network was not run, EDM's combination where it combines.
    /// </summary>
    public void Finish(ReadOnlySpan<double> x, in NetworkCoefficients c, Span<double> output)
    {
        if (c.Identity)
        {
            for (var i = 0; i < output.Length; i++)
            {
                output[i] = x[i] / c.Alpha;
            }
        }
        else if (Combines)
        {
            for (var i = 0; i < output.Length; i++)
            {
                output[i] = (c.Skip * x[i]) + (c.OutScale * output[i]);
            }
        }
    }
}
