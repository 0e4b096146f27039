using ScheduleSearch.Core.Numerics;

namespace ScheduleSearch.Core.Noise;

/// <summary>The continuous VP schedule of Song et al. (2021): log alpha(t) = -(b1 - b0) t^2/4 - b0 t/2.</summary>
public sealed class VpLinearSchedule(double beta0 = 0.1, double beta1 = 20.0) : NoiseSchedule
{
    /// <summary>The "time" name of this convention.</summary>
    public const string KindName = "vp-linear";

    /// <summary>beta at t = 0.</summary>
    public double Beta0 { get; } = beta0;

    /// <summary>beta at t = 1.</summary>
    public double Beta1 { get; } = beta1;

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override double TMin => 1e-5;

    /// <inheritdoc />
    public override double TMax => 1.0;

    /// <inheritdoc />
    public override double DefaultTEnd => 1e-3;

    /// <inheritdoc />
    public override double LogAlpha(double t) => (-0.25 * t * t * (Beta1 - Beta0)) - (0.5 * t * Beta0);

    /// <inheritdoc />
    public override double Sigma(double t) => Math.Sqrt(-Special.Expm1(2.0 * LogAlpha(t)));

    /// <inheritdoc />
    public override double InverseLambda(double lambda)
    {
        // DPM-Solver's closed form: solve the quadratic in t for the given log alpha.
        var tmp = 2.0 * (Beta1 - Beta0) * Special.LogAddExp(-2.0 * lambda, 0.0);
        var delta = (Beta0 * Beta0) + tmp;
        return tmp / (Math.Sqrt(delta) + Beta0) / (Beta1 - Beta0);
    }

    /// <inheritdoc />
    public override double ModelTime(double t) => t;
}
