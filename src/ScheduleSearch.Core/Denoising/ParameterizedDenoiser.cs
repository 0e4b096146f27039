using ScheduleSearch.Core.Noise;

namespace ScheduleSearch.Core.Denoising;

/// <summary>
/// Turns any model output into both predictions, once, in one place (SOLVERS.md section 1):
/// eps = (x - alpha x0)/sigma, v = alpha eps - sigma x0, flow u = eps - x0.
/// Subclasses only run their model and count nothing: the call counter lives here. A subclass that can run rows at
/// different times in one run overrides <see cref="EvaluatesRowTimes"/> and <see cref="EvaluateRows"/>.
/// </summary>
public abstract class ParameterizedDenoiser(NoiseSchedule schedule, int sampleSize, Parameterization parameterization)
    : IRowTimeDenoiser
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
    public bool HandlesRowTimes => EvaluatesRowTimes;

    /// <summary>True when <see cref="EvaluateRows"/> runs the model once for rows at different times.</summary>
    protected virtual bool EvaluatesRowTimes => false;

    /// <inheritdoc />
    public void Predict(ReadOnlySpan<double> x, int batch, double t, Span<double> x0, Span<double> eps)
    {
        var n = batch * SampleSize;
        if (x.Length < n || x0.Length < n || eps.Length < n)
        {
            throw new ArgumentException($"buffers hold fewer than batch {batch} x {SampleSize} values");
        }

        Interlocked.Increment(ref calls);
        Convert(x[..n], batch, t, x0[..n], eps[..n], (xs, output) => Evaluate(xs, batch, t, output));
    }

    /// <inheritdoc />
    public void PredictRows(ReadOnlySpan<double> x, ReadOnlySpan<double> t, Span<double> x0, Span<double> eps)
    {
        if (!EvaluatesRowTimes)
        {
            throw new NotSupportedException($"{GetType().Name} evaluates one time per run: group the rows by time and call Predict");
        }

        var batch = t.Length;
        var n = batch * SampleSize;
        if (x.Length < n || x0.Length < n || eps.Length < n)
        {
            throw new ArgumentException($"buffers hold fewer than {batch} rows x {SampleSize} values");
        }

        Interlocked.Increment(ref calls);
        var times = t.ToArray();
        var output = Parameterization is Parameterization.X0 or Parameterization.VeDenoiser ? x0[..n] : eps[..n];
        EvaluateRows(x[..n], times, output);
        // Convert runs of rows at one time together (a batch of candidates' calls is a few such runs).
        for (var first = 0; first < batch;)
        {
            var end = first + 1;
            while (end < batch && times[end] == times[first])
            {
                end++;
            }

            var rows = (first * SampleSize)..(end * SampleSize);
            Convert(x[rows], end - first, times[first], x0[rows], eps[rows], null);
            first = end;
        }
    }

    /// <summary>Runs the model: writes its raw output (in <see cref="Parameterization"/>) for the batch.</summary>
    protected abstract void Evaluate(ReadOnlySpan<double> x, int batch, double t, Span<double> output);

    /// <summary>
    /// Runs the model once on rows at their own times: writes its raw output (in <see cref="Parameterization"/>) for
    /// row r at <paramref name="t"/>[r]. Overridden together with <see cref="EvaluatesRowTimes"/>.
    /// </summary>
    protected virtual void EvaluateRows(ReadOnlySpan<double> x, ReadOnlySpan<double> t, Span<double> output) =>
        throw new NotSupportedException($"{GetType().Name} evaluates one time per run");

    /// <summary>
    /// Fills both predictions from the model's raw output at one time: <paramref name="run"/> writes the raw output
    /// into the buffer it is given (null: the raw output is already in x0 or eps, where <see cref="Parameterization"/> puts it).
    /// </summary>
    private void Convert(ReadOnlySpan<double> xs, int batch, double t, Span<double> x0, Span<double> eps, RunModel? run)
    {
        var n = batch * SampleSize;
        var alpha = Schedule.Alpha(t);
        var sigma = Schedule.Sigma(t);
        switch (Parameterization)
        {
            case Parameterization.Epsilon:
                run?.Invoke(xs, eps[..n]);
                for (var i = 0; i < n; i++)
                {
                    x0[i] = (xs[i] - (sigma * eps[i])) / alpha;
                }

                break;
            case Parameterization.X0:
            case Parameterization.VeDenoiser:
                run?.Invoke(xs, x0[..n]);
                FillEps(xs, x0[..n], eps[..n], alpha, sigma);
                break;
            case Parameterization.V:
                {
                    // Solve x = a x0 + s eps, v = a eps - s x0 (exact also when a^2 + s^2 != 1).
                    run?.Invoke(xs, eps[..n]);
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
                    run?.Invoke(xs, eps[..n]);
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

    private delegate void RunModel(ReadOnlySpan<double> x, Span<double> output);

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
