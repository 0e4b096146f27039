using ScheduleSearch.Core.Numerics;

namespace ScheduleSearch.Core.Noise;

/// <summary>
/// The discrete DDPM schedule seen in continuous time the way DPM-Solver's NoiseScheduleVP('discrete') sees it:
/// log alpha is the piecewise-linear interpolant of 0.5 log(alphabar_n) over knots t_n = (n+1)/N, extended
/// linearly beyond the ends; t(lambda) inverts the same interpolation.
/// </summary>
public sealed class VpDiscreteSchedule : NoiseSchedule
{
    /// <summary>The "time" name of this convention.</summary>
    public const string KindName = "vp-discrete";

    private readonly double[] knotsT;
    private readonly double[] knotsLogAlpha;

    /// <summary>Builds the schedule from explicit betas (length N).</summary>
    public VpDiscreteSchedule(IReadOnlyList<double> betas)
    {
        ArgumentNullException.ThrowIfNull(betas);
        if (betas.Count < 2)
        {
            throw new ArgumentException("a discrete schedule needs at least 2 betas", nameof(betas));
        }

        TrainSteps = betas.Count;
        knotsT = new double[TrainSteps];
        knotsLogAlpha = new double[TrainSteps];
        double cumulative = 0.0;
        for (var n = 0; n < TrainSteps; n++)
        {
            if (!(betas[n] > 0.0 && betas[n] < 1.0))
            {
                throw new ArgumentException($"beta[{n}] = {betas[n]} is outside (0, 1)", nameof(betas));
            }

            cumulative += Special.Log1p(-betas[n]);
            knotsLogAlpha[n] = 0.5 * cumulative;
            knotsT[n] = (n + 1.0) / TrainSteps;
        }
    }

    /// <summary>N, the number of training steps.</summary>
    public int TrainSteps { get; }

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override double TMin => 1.0 / TrainSteps;

    /// <inheritdoc />
    public override double TMax => 1.0;

    /// <summary>The DDPM linear schedule (1e-4..0.02, 1000 steps unless given).</summary>
    public static VpDiscreteSchedule Linear(double betaStart = 1e-4, double betaEnd = 0.02, int trainSteps = 1000) =>
        FromBetas(BetaSchedule.Linear, betaStart, betaEnd, trainSteps);

    /// <summary>
    /// Builds one of diffusers' named beta schedules; with <paramref name="zeroTerminalSnr"/> rescaled to zero terminal
    /// SNR (<see cref="RescaleZeroTerminalSnr"/>).
    /// </summary>
    public static VpDiscreteSchedule FromBetas(BetaSchedule kind, double betaStart, double betaEnd, int trainSteps, bool zeroTerminalSnr = false)
    {
        var betas = new double[trainSteps];
        switch (kind)
        {
            case BetaSchedule.Linear:
                Linspace(betaStart, betaEnd, betas);
                break;
            case BetaSchedule.ScaledLinear:
                Linspace(Math.Sqrt(betaStart), Math.Sqrt(betaEnd), betas);
                for (var n = 0; n < trainSteps; n++)
                {
                    betas[n] *= betas[n];
                }

                break;
            case BetaSchedule.SquaredCosCapV2:
                // Nichol & Dhariwal (2021) eq. 17: alphabar(t) = cos^2((t + s)/(1 + s) * pi/2), s = 0.008.
                static double AlphaBar(double t) => Math.Pow(Math.Cos((t + 0.008) / 1.008 * Math.PI / 2), 2);
                for (var n = 0; n < trainSteps; n++)
                {
                    var t1 = (double)n / trainSteps;
                    var t2 = (n + 1.0) / trainSteps;
                    betas[n] = Math.Min(1 - (AlphaBar(t2) / AlphaBar(t1)), 0.999);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown beta schedule");
        }

        return new VpDiscreteSchedule(zeroTerminalSnr ? RescaleZeroTerminalSnr(betas) : betas);
    }

    /// <summary>
    /// Lin et al. 2024, Algorithm 1 (diffusers' <c>rescale_zero_terminal_snr</c>): shifts and scales sqrt(alphabar) so
    /// that it keeps its first value and ends at 0. The last alphabar is then set to 2^-24 instead of 0, as diffusers'
    /// schedulers do, so that the first step starts from a finite log-SNR (lambda(1) = -8.3) rather than -infinity,
    /// where no solver step is defined.
    /// </summary>
    public static double[] RescaleZeroTerminalSnr(IReadOnlyList<double> betas)
    {
        ArgumentNullException.ThrowIfNull(betas);
        var n = betas.Count;
        var root = new double[n];
        var cumulative = 1.0;
        for (var i = 0; i < n; i++)
        {
            cumulative *= 1.0 - betas[i];
            root[i] = Math.Sqrt(cumulative);
        }

        var first = root[0];
        var last = root[n - 1];
        var alphaBar = new double[n];
        for (var i = 0; i < n; i++)
        {
            var r = (root[i] - last) * first / (first - last);
            alphaBar[i] = r * r;
        }

        alphaBar[n - 1] = Math.Pow(2, -24);
        var rescaled = new double[n];
        rescaled[0] = 1.0 - alphaBar[0];
        for (var i = 1; i < n; i++)
        {
            rescaled[i] = 1.0 - (alphaBar[i] / alphaBar[i - 1]);
        }

        return rescaled;
    }

    /// <inheritdoc />
    public override IReadOnlyList<double> Breakpoints => knotsT;

    /// <inheritdoc />
    public override double LogAlpha(double t) => Interpolate(t, knotsT, knotsLogAlpha, increasing: true);

    /// <inheritdoc />
    public override double Sigma(double t) => Math.Sqrt(-Special.Expm1(2.0 * LogAlpha(t)));

    /// <inheritdoc />
    public override double Lambda(double t)
    {
        var logAlpha = LogAlpha(t);
        return logAlpha - (0.5 * Math.Log(-Special.Expm1(2.0 * logAlpha)));
    }

    /// <inheritdoc />
    public override double InverseLambda(double lambda)
    {
        var logAlpha = -0.5 * Special.LogAddExp(0.0, -2.0 * lambda);
        return Interpolate(logAlpha, knotsLogAlpha, knotsT, increasing: false);
    }

    /// <summary>DPM-Solver's discrete wrapper: the network sees 1000 (t - 1/N), a float in [0, 999].</summary>
    public override double ModelTime(double t) => (t - (1.0 / TrainSteps)) * 1000.0;

    // torch.linspace semantics are not needed here: betas differ from it by an ulp at most.
    private static void Linspace(double start, double end, Span<double> values)
    {
        var step = (end - start) / (values.Length - 1);
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = i < values.Length / 2 ? start + (i * step) : end - ((values.Length - 1 - i) * step);
        }
    }

    /// <summary>
    /// Piecewise-linear interpolation with linear extrapolation beyond the ends (DPM-Solver's interpolate_fn).
    /// <paramref name="increasing"/> says whether xs ascend with the index; ys are read in the same order.
    /// </summary>
    private static double Interpolate(double x, double[] xs, double[] ys, bool increasing)
    {
        var n = xs.Length;
        int lo;
        if (increasing)
        {
            var idx = Array.BinarySearch(xs, x);
            lo = idx >= 0 ? Math.Min(idx, n - 2) : Math.Clamp(~idx - 1, 0, n - 2);
            return Segment(x, xs[lo], xs[lo + 1], ys[lo], ys[lo + 1]);
        }

        // xs descend with the index (log alpha falls as t rises): search on the reversed order.
        int a = 0, b = n - 1;
        if (x >= xs[0])
        {
            lo = 0;
        }
        else if (x <= xs[n - 1])
        {
            lo = n - 2;
        }
        else
        {
            while (b - a > 1)
            {
                var mid = (a + b) / 2;
                if (xs[mid] >= x)
                {
                    a = mid;
                }
                else
                {
                    b = mid;
                }
            }

            lo = a;
        }

        return Segment(x, xs[lo + 1], xs[lo], ys[lo + 1], ys[lo]);
    }

    private static double Segment(double x, double x0, double x1, double y0, double y1) =>
        y0 + ((x - x0) * (y1 - y0) / (x1 - x0));
}
