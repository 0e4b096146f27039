namespace ScheduleSearch.Core.Noise;

/// <summary>
/// A forward process x_t = alpha(t) x_0 + sigma(t) eps in continuous time t (DPM-Solver's NoiseScheduleVP
/// interface, generalised to VE/EDM and rectified flow). Sampling runs t from <see cref="DefaultTStart"/>
/// down to <see cref="DefaultTEnd"/>; lambda(t) = log(alpha/sigma) is the half log-SNR, decreasing in t.
/// </summary>
public abstract class NoiseSchedule
{
    /// <summary>The time convention's name, as written in a schedule file's "time" field.</summary>
    public abstract string Kind { get; }

    /// <summary>Smallest positive t the model accepts.</summary>
    public abstract double TMin { get; }

    /// <summary>Largest t the model accepts.</summary>
    public abstract double TMax { get; }

    /// <summary>Where a sampler starts by default.</summary>
    public virtual double DefaultTStart => TMax;

    /// <summary>Where a sampler ends by default (0 means "all the way to sigma = 0", EDM style).</summary>
    public virtual double DefaultTEnd => TMin;

    /// <summary>True when sigma(0) = 0, so a schedule may end exactly at t = 0 (EDM, flow).</summary>
    public virtual bool AllowsZeroEnd => false;

    /// <summary>log alpha(t).</summary>
    public abstract double LogAlpha(double t);

    /// <summary>sigma(t).</summary>
    public abstract double Sigma(double t);

    /// <summary>alpha(t).</summary>
    public double Alpha(double t) => Math.Exp(LogAlpha(t));

    /// <summary>Half log-SNR lambda(t) = log(alpha/sigma).</summary>
    public virtual double Lambda(double t) => LogAlpha(t) - Math.Log(Sigma(t));

    /// <summary>The inverse t(lambda) of <see cref="Lambda"/>.</summary>
    public abstract double InverseLambda(double lambda);

    /// <summary>The VE-view noise level sigma/alpha = exp(-lambda).</summary>
    public double VeSigma(double t) => Sigma(t) / Alpha(t);

    /// <summary>t at which the VE-view noise level sigma/alpha equals <paramref name="veSigma"/> (0 maps to t = 0).</summary>
    public double TimeOfVeSigma(double veSigma) => veSigma == 0.0 ? 0.0 : InverseLambda(-Math.Log(veSigma));

    /// <summary>Times where alpha(t) is not smooth (the knots of an interpolated schedule); quadratures split there.</summary>
    public virtual IReadOnlyList<double> Breakpoints => [];

    /// <summary>The network's time input under this schedule's usual convention (DPM-Solver's wrapper for VP).</summary>
    public abstract double ModelTime(double t);

    /// <summary>True when <paramref name="t"/> is a valid grid point (inside [TMin, TMax], or 0 where allowed).</summary>
    public bool Contains(double t) =>
        (t >= TMin * (1 - 1e-12) && t <= TMax * (1 + 1e-12)) || (t == 0.0 && AllowsZeroEnd);

    /// <summary>Builds the schedule named by a schedule file's "time" field with default parameters.</summary>
    public static NoiseSchedule FromKind(string kind) => NoiseScheduleFactory.Create(kind);
}
