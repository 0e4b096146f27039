namespace ScheduleSearch.Core.Ems;

/// <summary>
/// Where a half log-SNR value lies on the statistics grid: exactly at grid index <see cref="Index"/> when
/// <see cref="Theta"/> is 0, otherwise <see cref="Theta"/> of the way from <see cref="Index"/> to the next point.
/// <see cref="Lambda"/> is the grid's own value at a grid point (what the authors integrate over) and the point's
/// lambda otherwise.
/// </summary>
public readonly record struct EmsGridPoint(int Index, double Theta, double Lambda)
{
    /// <summary>True at a grid point (no interpolation).</summary>
    public bool OnGrid => Theta == 0.0;
}
