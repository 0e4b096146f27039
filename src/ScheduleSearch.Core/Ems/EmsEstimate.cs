namespace ScheduleSearch.Core.Ems;

/// <summary>
/// The result of <see cref="EmsEstimator.Estimate"/>: the statistics and the intermediate quantities of the authors'
/// script ([K + 1, D] each): the smoothed dl/dlambda and the sample means of f, f', f^2 and f f'.
/// </summary>
public sealed record EmsEstimate(
    EmsStatistics Statistics,
    double[] Times,
    double[] LDerivative,
    double[] FMean,
    double[] FdMean,
    double[] FfMean,
    double[] FfdMean);
