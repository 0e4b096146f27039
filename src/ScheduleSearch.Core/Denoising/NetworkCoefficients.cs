namespace ScheduleSearch.Core.Denoising;

/// <summary>
/// How one time enters a network and how its output leaves it (<see cref="NetworkTime.At"/>): the network is fed
/// <c>InputScale * x</c> and <c>TimeValue</c>, and its output F becomes <c>Skip * x + OutScale * F</c> when the
/// convention combines (EDM's c_skip, c_out).
/// </summary>
/// <param name="Alpha">alpha(t) of the schedule.</param>
/// <param name="InputScale">The factor on x (1/alpha for the VE view, EDM's c_in/alpha).</param>
/// <param name="TimeValue">The network's time input.</param>
/// <param name="Skip">EDM's c_skip (over alpha); 0 when the convention does not combine.</param>
/// <param name="OutScale">EDM's c_out; 1 when the convention does not combine.</param>
/// <param name="Identity">True where the network is not run at all: EDM at sigma 0, D(x, 0) = x / alpha.</param>
public readonly record struct NetworkCoefficients(double Alpha, double InputScale, double TimeValue, double Skip, double OutScale, bool Identity);
