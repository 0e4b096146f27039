namespace ScheduleSearch.Evaluation.NoiseSets;

/// <summary>
/// A fixed set of standard-normal noise held in memory for a run: row i is sample i of the seed's stream
/// (<see cref="CounterNormal"/>), so any prefix of a larger set equals the smaller set.
/// </summary>
public sealed class NoiseSet
{
    private readonly double[] values;

    private NoiseSet(NoiseSpec spec, int sampleSize, double[] values)
    {
        Spec = spec;
        SampleSize = sampleSize;
        this.values = values;
    }

    /// <summary>The seed and number of samples.</summary>
    public NoiseSpec Spec { get; }

    /// <summary>Values per sample.</summary>
    public int SampleSize { get; }

    /// <summary>Number of samples.</summary>
    public int Count => Spec.Samples;

    /// <summary>All values, row-major (Count x SampleSize).</summary>
    public ReadOnlySpan<double> Values => values;

    /// <summary>Draws the set.</summary>
    public static NoiseSet Create(NoiseSpec spec, int sampleSize)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spec.Samples);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleSize);
        var values = new double[checked(spec.Samples * sampleSize)];
        for (var i = 0; i < spec.Samples; i++)
        {
            CounterNormal.Fill(spec.Seed, i, values.AsSpan(i * sampleSize, sampleSize));
        }

        return new NoiseSet(spec, sampleSize, values);
    }

    /// <summary>The first <paramref name="count"/> samples, row-major.</summary>
    public ReadOnlySpan<double> Prefix(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Count);
        return values.AsSpan(0, count * SampleSize);
    }

    /// <summary>Samples <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/>, row-major.</summary>
    public ReadOnlySpan<double> Rows(int start, int count) => values.AsSpan(start * SampleSize, count * SampleSize);
}
