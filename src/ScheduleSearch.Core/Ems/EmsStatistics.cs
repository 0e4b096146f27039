using System.Buffers.Binary;
using System.Security.Cryptography;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Spacings;

namespace ScheduleSearch.Core.Ems;

/// <summary>
/// DPM-Solver-v3's empirical model statistics (Zheng et al. 2023, eq. 9-10): per data element, the linear coefficient
/// l, the scale s and the bias b of the fitted parameterisation, sampled on a grid of K + 1 half log-SNR values
/// lambda_0 &lt; ... &lt; lambda_K (index 0 = the noisiest point). Arrays are row-major [K + 1, D].
/// </summary>
public sealed class EmsStatistics
{
    /// <summary>The authors' default grid: 1200 intervals in lambda.</summary>
    public const int DefaultIntervals = 1200;

    private readonly double[] lambda;
    private readonly double[] l;
    private readonly double[] s;
    private readonly double[] b;
    private string? contentHash;
    private EmsIntegrals? integrals;

    /// <summary>Creates statistics; throws naming the array whose length or values do not fit.</summary>
    public EmsStatistics(double[] lambda, double[] l, double[] s, double[] b, int sampleSize, bool degenerated = false)
    {
        ArgumentNullException.ThrowIfNull(lambda);
        ArgumentNullException.ThrowIfNull(l);
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleSize, 1);
        if (lambda.Length < 2)
        {
            throw new ArgumentException($"lambda has {lambda.Length} points; a grid needs at least 2", nameof(lambda));
        }

        for (var j = 0; j < lambda.Length; j++)
        {
            if (!double.IsFinite(lambda[j]) || (j > 0 && !(lambda[j] > lambda[j - 1])))
            {
                throw new ArgumentException($"lambda[{j}] = {lambda[j]}: the grid must be finite and strictly increasing (index 0 = the noisiest point)", nameof(lambda));
            }
        }

        var size = lambda.Length * sampleSize;
        foreach (var (name, array) in new[] { ("l", l), ("s", s), ("b", b) })
        {
            if (array.Length != size)
            {
                throw new ArgumentException($"{name} has {array.Length} values; expected [{lambda.Length}, {sampleSize}] = {size}", name);
            }

            var bad = Array.FindIndex(array, v => !double.IsFinite(v));
            if (bad >= 0)
            {
                throw new ArgumentException($"{name}[{bad / sampleSize}, {bad % sampleSize}] = {array[bad]} is not finite", name);
            }
        }

        this.lambda = lambda;
        this.l = l;
        this.s = s;
        this.b = b;
        SampleSize = sampleSize;
        IsDegenerated = degenerated;
    }

    /// <summary>Values per sample (D).</summary>
    public int SampleSize { get; }

    /// <summary>Grid intervals K (the grid has K + 1 points).</summary>
    public int Intervals => lambda.Length - 1;

    /// <summary>The grid, increasing in lambda.</summary>
    public ReadOnlySpan<double> Lambda => lambda;

    /// <summary>l [K + 1, D].</summary>
    public ReadOnlySpan<double> L => l;

    /// <summary>s [K + 1, D].</summary>
    public ReadOnlySpan<double> S => s;

    /// <summary>b [K + 1, D].</summary>
    public ReadOnlySpan<double> B => b;

    /// <summary>True for l = 1, s = b = 0 (the authors' <c>degenerated=True</c>: DPM-Solver++'s data parameterisation).</summary>
    public bool IsDegenerated { get; }

    /// <summary>
    /// Lower-case hex SHA-256 over the grid and the three arrays (little-endian float64, in that order): the statistics'
    /// part of a model's identity in the score store.
    /// </summary>
    public string ContentHash => contentHash ??= Hash();

    /// <summary>The cumulative integrals the sampler reads (computed once, on first use).</summary>
    public EmsIntegrals Integrals => integrals ??= new EmsIntegrals(this);

    /// <summary>The same grid with l = 1, s = b = 0.</summary>
    public EmsStatistics Degenerate()
    {
        var size = lambda.Length * SampleSize;
        return new EmsStatistics(lambda, Enumerable.Repeat(1.0, size).ToArray(), new double[size], new double[size], SampleSize, degenerated: true);
    }

    /// <summary>
    /// The degenerated statistics (l = 1, s = b = 0) on the grid the authors' sampler builds for a model without
    /// statistics files: <paramref name="intervals"/> equal steps in lambda from lambda(<paramref name="tStart"/>) to
    /// lambda(<paramref name="tEnd"/>), mapped to times and back.
    /// </summary>
    public static EmsStatistics Degenerated(NoiseSchedule schedule, int sampleSize, double tStart, double tEnd, int intervals = DefaultIntervals)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var grid = Grids.LogSnr(schedule, intervals, tStart, tEnd).Select(schedule.Lambda).ToArray();
        var size = grid.Length * sampleSize;
        return new EmsStatistics(grid, Enumerable.Repeat(1.0, size).ToArray(), new double[size], new double[size], sampleSize, degenerated: true);
    }

    /// <summary>
    /// The grid index nearest to <paramref name="lambdaValue"/> by the authors' rule round(K (lambda - lambda_0) /
    /// (lambda_K - lambda_0)) (round half to even), clamped to the grid.
    /// </summary>
    public int NearestIndex(double lambdaValue)
    {
        var k = Intervals;
        var position = k * (lambdaValue - lambda[0]) / (lambda[k] - lambda[0]);
        return (int)Math.Clamp(Math.Round(position, MidpointRounding.ToEven), 0, k);
    }

    /// <summary>
    /// The time of grid index <paramref name="index"/> as the authors' sampler computes it: inverse lambda of
    /// lambda_0 + (lambda_K - lambda_0) index / K, kept inside the model's time range (the round trip through the
    /// inverse can land an ulp outside it at the ends).
    /// </summary>
    public double GridTime(NoiseSchedule schedule, int index)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var t = schedule.InverseLambda(lambda[0] + ((lambda[^1] - lambda[0]) * index / Intervals));
        return Math.Clamp(t, schedule.TMin, schedule.TMax);
    }

    /// <summary>Moves each time to the nearest grid point in lambda (the authors' convert_to_indexes / convert_to_timesteps).</summary>
    public double[] Snap(NoiseSchedule schedule, IReadOnlyList<double> times, out int[] indexes)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(times);
        indexes = times.Select(t => NearestIndex(schedule.Lambda(t))).ToArray();
        return indexes.Select(i => GridTime(schedule, i)).ToArray();
    }

    private string Hash()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var array in new[] { lambda, l, s, b })
        {
            var bytes = new byte[array.Length * sizeof(double)];
            for (var i = 0; i < array.Length; i++)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * sizeof(double)), array[i]);
            }

            sha.AppendData(bytes);
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
