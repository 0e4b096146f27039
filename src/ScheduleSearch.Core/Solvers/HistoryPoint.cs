namespace ScheduleSearch.Core.Solvers;

/// <summary>One model evaluation kept for multistep use: where it was made and both predictions.</summary>
public sealed class HistoryPoint(int size)
{
    /// <summary>Time of the evaluation.</summary>
    public double T { get; internal set; }

    /// <summary>lambda(T).</summary>
    public double Lambda { get; internal set; }

    /// <summary>Data prediction x0_hat at the evaluated state.</summary>
    public double[] X0 { get; } = new double[size];

    /// <summary>Noise prediction eps_hat at the evaluated state.</summary>
    public double[] Eps { get; } = new double[size];
}
