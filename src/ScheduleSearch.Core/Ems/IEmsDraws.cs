namespace ScheduleSearch.Core.Ems;

/// <summary>
/// The random numbers of the statistics estimate, addressed by grid point and batch so that the estimate does not
/// depend on the order grid points are visited in (and so that recorded draws can be replayed exactly).
/// </summary>
public interface IEmsDraws
{
    /// <summary>Rademacher probes (+1 or -1) of the first pass, [BatchSize, D].</summary>
    void Rademacher(int gridIndex, int batch, Span<double> v);

    /// <summary>Standard-normal noise of the first pass (l), [BatchSize, D].</summary>
    void FirstPassNoise(int gridIndex, int batch, Span<double> z);

    /// <summary>Standard-normal noise of the second pass (s, b), [BatchSize, D].</summary>
    void SecondPassNoise(int gridIndex, int batch, Span<double> z);
}
