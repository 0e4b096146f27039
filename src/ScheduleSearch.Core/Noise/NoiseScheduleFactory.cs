namespace ScheduleSearch.Core.Noise;

/// <summary>
/// The one place a noise schedule is built from its kind and parameters (a model card's "schedule" block, a schedule
/// file's "time" field); unknown kinds and invalid parameters throw an <see cref="ArgumentException"/> naming them.
/// </summary>
public static class NoiseScheduleFactory
{
    /// <summary>The kinds, as spelt in cards and schedule files.</summary>
    public static IReadOnlyList<string> Kinds { get; } = [VpDiscreteSchedule.KindName, VpLinearSchedule.KindName, EdmSchedule.KindName, FlowSchedule.KindName];

    /// <summary>Builds the schedule of <paramref name="kind"/>; each parameter is read only by the kinds it belongs to.</summary>
    /// <param name="kind">vp-discrete, vp-linear, edm or flow.</param>
    /// <param name="betas">vp-discrete: the beta schedule.</param>
    /// <param name="betaStart">vp-discrete: the first beta.</param>
    /// <param name="betaEnd">vp-discrete: the last beta.</param>
    /// <param name="trainSteps">vp-discrete: N.</param>
    /// <param name="beta0">vp-linear: beta at t = 0.</param>
    /// <param name="beta1">vp-linear: beta at t = 1.</param>
    /// <param name="sigmaMin">edm: the smallest sigma.</param>
    /// <param name="sigmaMax">edm: the largest sigma.</param>
    /// <param name="sigmaData">edm: sigma_data.</param>
    /// <param name="zeroTerminalSnr">vp-discrete: rescale the betas to zero terminal SNR.</param>
    public static NoiseSchedule Create(
        string kind,
        BetaSchedule betas = BetaSchedule.Linear,
        double betaStart = 1e-4,
        double betaEnd = 0.02,
        int trainSteps = 1000,
        double beta0 = 0.1,
        double beta1 = 20.0,
        double sigmaMin = 0.002,
        double sigmaMax = 80.0,
        double sigmaData = 0.5,
        bool zeroTerminalSnr = false) => kind switch
    {
        VpDiscreteSchedule.KindName => VpDiscreteSchedule.FromBetas(betas, betaStart, betaEnd, trainSteps, zeroTerminalSnr),
        VpLinearSchedule.KindName => new VpLinearSchedule(beta0, beta1),
        EdmSchedule.KindName => new EdmSchedule(sigmaMin, sigmaMax, sigmaData),
        FlowSchedule.KindName => new FlowSchedule(),
        _ => throw new ArgumentException($"unknown noise schedule '{kind}'; expected one of {string.Join(", ", Kinds)}", nameof(kind)),
    };
}
