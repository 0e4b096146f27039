namespace ScheduleSearch.Core.Noise;

/// <summary>
/// A discrete schedule seen only at its training grid t_n = (n + 1)/N: every time is snapped to the nearest grid
/// point before alpha, sigma, lambda or the network time are read. For networks with an integer time input, which were
/// trained on the grid and can be fed nothing else: the solver then uses the alpha and sigma of the time the network
/// actually receives (as diffusers' schedulers do), instead of rounding only the network's input.
/// </summary>
public sealed class SnappedDiscreteSchedule : NoiseSchedule
{
    private readonly VpDiscreteSchedule grid;
    private readonly double[] midpoints;

    /// <summary>Snaps <paramref name="grid"/>'s times to its training grid.</summary>
    public SnappedDiscreteSchedule(VpDiscreteSchedule grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        this.grid = grid;
        midpoints = Enumerable.Range(1, grid.TrainSteps - 1).Select(n => (n + 0.5) / grid.TrainSteps).ToArray();
    }

    /// <summary>The schedule on the continuous axis.</summary>
    public VpDiscreteSchedule Grid => grid;

    /// <inheritdoc />
    public override string Kind => grid.Kind;

    /// <inheritdoc />
    public override double TMin => grid.TMin;

    /// <inheritdoc />
    public override double TMax => grid.TMax;

    /// <summary>The midpoints between grid points, where the snapped alpha jumps.</summary>
    public override IReadOnlyList<double> Breakpoints => midpoints;

    /// <summary>The grid point nearest <paramref name="t"/>: (n + 1)/N with n = round(N t - 1), kept inside [1/N, 1].</summary>
    public double Snap(double t)
    {
        var n = Math.Clamp(Math.Round((grid.TrainSteps * t) - 1.0, MidpointRounding.ToEven), 0, grid.TrainSteps - 1);
        return (n + 1.0) / grid.TrainSteps;
    }

    /// <summary>The grid index n of <paramref name="t"/> (the integer the network receives).</summary>
    public int Index(double t) => (int)Math.Round((Snap(t) * grid.TrainSteps) - 1.0);

    /// <inheritdoc />
    public override double LogAlpha(double t) => grid.LogAlpha(Snap(t));

    /// <inheritdoc />
    public override double Sigma(double t) => grid.Sigma(Snap(t));

    /// <inheritdoc />
    public override double Lambda(double t) => grid.Lambda(Snap(t));

    /// <inheritdoc />
    public override double InverseLambda(double lambda) => Snap(grid.InverseLambda(lambda));

    /// <summary>
    /// The grid index n of the snapped time: what diffusers feeds an integer-time network (equal to DPM-Solver's
    /// 1000 (t_n - 1/N) when N = 1000).
    /// </summary>
    public override double ModelTime(double t) => Index(t);
}
