using ScheduleSearch.Core.Numerics;

namespace ScheduleSearch.Core.Noise;

/// <summary>Rectified flow / flow matching: alpha = 1 - t, sigma = t, t in [0, 1].</summary>
public sealed class FlowSchedule : NoiseSchedule
{
    /// <summary>The "time" name of this convention.</summary>
    public const string KindName = "flow";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override double TMin => 1e-4;

    /// <summary>1 - 1e-4: at t = 1 alpha is 0 and lambda is -infinity, which no multistep formula survives.</summary>
    public override double TMax => 1.0 - 1e-4;

    /// <inheritdoc />
    public override double DefaultTStart => 1.0 - 1e-3;

    /// <inheritdoc />
    public override double DefaultTEnd => 1e-3;

    /// <inheritdoc />
    public override bool AllowsZeroEnd => true;

    /// <inheritdoc />
    public override double LogAlpha(double t) => Special.Log1p(-t);

    /// <inheritdoc />
    public override double Sigma(double t) => t;

    /// <inheritdoc />
    public override double InverseLambda(double lambda) => 1.0 / (1.0 + Math.Exp(lambda));

    /// <inheritdoc />
    public override double ModelTime(double t) => t;
}
