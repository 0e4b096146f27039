using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ScheduleSearch.Evaluation.NoiseSets;

/// <summary>
/// A fixed set of standard-normal noise held in memory for a run: row i is sample i of the seed's stream
/// (<see cref="CounterNormal"/>), so any prefix of a larger set equals the smaller set; or the user's own noise
/// (<see cref="FromValues"/>), named by the hash of its values.
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
        if (spec.ContentHash is not null)
        {
            throw new ArgumentException($"noise {spec.ContentHash} was read from a file and cannot be drawn; use the set FromValues made", nameof(spec));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spec.Samples);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleSize);
        var values = new double[checked(spec.Samples * sampleSize)];
        for (var i = 0; i < spec.Samples; i++)
        {
            CounterNormal.Fill(spec.Seed, i, values.AsSpan(i * sampleSize, sampleSize));
        }

        return new NoiseSet(spec, sampleSize, values);
    }

    /// <summary>
    /// The user's noise: <paramref name="values"/> (row-major, <paramref name="count"/> x <paramref name="sampleSize"/>,
    /// finite), named by the SHA-256 of its shape and float64 little-endian values, so scores and teachers on it are
    /// cached under its content whatever file or dtype it came from.
    /// </summary>
    public static NoiseSet FromValues(ReadOnlySpan<double> values, int count, int sampleSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleSize);
        if (values.Length != checked(count * sampleSize))
        {
            throw new ArgumentException($"{values.Length} values are not {count} samples of {sampleSize}", nameof(values));
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> word = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(word, count);
        hash.AppendData(word);
        BinaryPrimitives.WriteInt64LittleEndian(word, sampleSize);
        hash.AppendData(word);
        var copy = values.ToArray();
        foreach (var v in copy)
        {
            if (!double.IsFinite(v))
            {
                throw new ArgumentException("noise values must be finite", nameof(values));
            }

            BinaryPrimitives.WriteDoubleLittleEndian(word, v);
            hash.AppendData(word);
        }

        var spec = new NoiseSpec(0, count) { ContentHash = "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset()) };
        return new NoiseSet(spec, sampleSize, copy);
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
