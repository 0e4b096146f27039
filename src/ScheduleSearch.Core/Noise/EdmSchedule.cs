namespace ScheduleSearch.Core.Noise;

/// <summary>EDM / VE (Karras et al. 2022): alpha = 1, sigma = t, so t is the noise level itself.</summary>
public sealed class EdmSchedule(double sigmaMin = 0.002, double sigmaMax = 80.0, double sigmaData = 0.5) : NoiseSchedule
{
    /// <summary>The "time" name of this convention.</summary>
    public const string KindName = "edm";

    /// <summary>sigma_data of EDM's preconditioning.</summary>
    public double SigmaData { get; } = sigmaData;

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override double TMin { get; } = sigmaMin;

    /// <inheritdoc />
    public override double TMax { get; } = sigmaMax;

    /// <inheritdoc />
    public override double DefaultTEnd => 0.0;

    /// <inheritdoc />
    public override bool AllowsZeroEnd => true;

    /// <inheritdoc />
    public override double LogAlpha(double t) => 0.0;

    /// <inheritdoc />
    public override double Sigma(double t) => t;

    /// <inheritdoc />
    public override double Lambda(double t) => -Math.Log(t);

    /// <inheritdoc />
    public override double InverseLambda(double lambda) => Math.Exp(-lambda);

    /// <summary>EDM's c_noise = ln(sigma)/4.</summary>
    public override double ModelTime(double t) => Math.Log(t) / 4.0;
}
