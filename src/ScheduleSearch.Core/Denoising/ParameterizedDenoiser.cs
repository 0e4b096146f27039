using ScheduleSearch.Core.Noise;

namespace ScheduleSearch.Core.Denoising;

/// <summary>
/// Turns any model output into both predictions, once, in one place (SOLVERS.md section 1):
/// eps = (x - alpha x0)/sigma, v = alpha eps - sigma x0, flow u = eps - x0.
/// Subclasses only run their model and count nothing: the call counter lives here.
/// </summary>
public abstract class ParameterizedDenoiser(NoiseSchedule schedule, int sampleSize, Parameterization parameterization)
    : IDenoiser
{
    private long calls;

    /// <inheritdoc />
    public NoiseSchedule Schedule { get; } = schedule;

    /// <inheritdoc />
    public int SampleSize { get; } = sampleSize;

    /// <summary>What <see cref="Evaluate"/> returns.</summary>
    public Parameterization Parameterization { get; } = parameterization;

    /// <inheritdoc />
    public long Calls => Interlocked.Read(ref calls);

    /// <inheritdoc />
    public void Predict(ReadOnlySpan<double> x, int batch, double t, Span<double> x0, Span<double> eps)
    {
        var n = batch * SampleSize;
        if (x.Length < n || x0.Length < n || eps.Length < n)
        {
            throw new ArgumentException($"buffers hold fewer than batch {batch} x {SampleSize} values");
        }

        Interlocked.Increment(ref calls);
        var alpha = Schedule.Alpha(t);
        var sigma = Schedule.Sigma(t);
        var xs = x[..n];
        switch (Parameterization)
        {
            case Parameterization.Epsilon:
                Evaluate(xs, batch, t, eps[..n]);
                for (var i = 0; i < n; i++)
                {
                    x0[i] = (xs[i] - (sigma * eps[i])) / alpha;
                }

                break;
            case Parameterization.X0:
            case Parameterization.VeDenoiser:
                Evaluate(xs, batch, t, x0[..n]);
                FillEps(xs, x0[..n], eps[..n], alpha, sigma);
                break;
            case Parameterization.V:
                {
                    // Solve x = a x0 + s eps, v = a eps - s x0 (exact also when a^2 + s^2 != 1).
                    Evaluate(xs, batch, t, eps[..n]);
                    var norm = 1.0 / ((alpha * alpha) + (sigma * sigma));
                    for (var i = 0; i < n; i++)
                    {
                        var v = eps[i];
                        x0[i] = ((alpha * xs[i]) - (sigma * v)) * norm;
                        eps[i] = ((sigma * xs[i]) + (alpha * v)) * norm;
                    }

                    break;
                }

            case Parameterization.Flow:
                {
                    // Solve x = a x0 + s eps, u = eps - x0.
                    Evaluate(xs, batch, t, eps[..n]);
                    var norm = 1.0 / (alpha + sigma);
                    for (var i = 0; i < n; i++)
                    {
                        var u = eps[i];
                        x0[i] = (xs[i] - (sigma * u)) * norm;
                        eps[i] = (xs[i] + (alpha * u)) * norm;
                    }

                    break;
                }

            default:
                throw new InvalidOperationException($"unknown parameterization {Parameterization}");
        }
    }

    /// <summary>Runs the model: writes its raw output (in <see cref="Parameterization"/>) for the batch.</summary>
    protected abstract void Evaluate(ReadOnlySpan<double> x, int batch, double t, Span<double> output);

    private static void FillEps(ReadOnlySpan<double> x, ReadOnlySpan<double> x0, Span<double> eps, double alpha, double sigma)
    {
        if (sigma == 0.0)
        {
            eps.Clear();
            return;
        }

        var inv = 1.0 / sigma;
        for (var i = 0; i < x.Length; i++)
        {
            eps[i] = (x[i] - (alpha * x0[i])) * inv;
        }
    }
}
