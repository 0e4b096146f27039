namespace ScheduleSearch.Models.Gmm;

/// <summary>Settings of <see cref="GmmFitter"/>.</summary>
public sealed record GmmFitOptions
{
    /// <summary>K, the number of components.</summary>
    public int Components { get; init; } = 16;

    /// <summary>The most EM iterations.</summary>
    public int MaxIterations { get; init; } = 50;

    /// <summary>Stop when the mean log-likelihood per row improves by less than this.</summary>
    public double Tolerance { get; init; } = 1e-4;

    /// <summary>Smallest variance per dimension (pixels that never change would otherwise collapse to zero variance).</summary>
    public double VarianceFloor { get; init; } = 1e-3;

    /// <summary>Fit on at most this many rows, chosen by the seed (0 = all).</summary>
    public int MaxRows { get; init; }

    /// <summary>Seed of the initialisation and the row subset.</summary>
    public int Seed { get; init; }
}
