using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Models.Arrays;

namespace ScheduleSearch.Models.Cards;

/// <summary>
/// A card's statistics file: an .npz with the data's <c>mean</c> [D] and either its full <c>covariance</c> [D, D] or its
/// per-coordinate <c>variance</c> [D]. Used by the Gaussian teleport, the mean-x0 first step and variance matching.
/// </summary>
public static class StatisticsFile
{
    /// <summary>Reads the statistics; errors name the file and the missing or misshapen array.</summary>
    public static DataStatistics Read(string path, int sampleSize)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new ModelCardException($"statistics file '{path}' does not exist");
        }

        IReadOnlyDictionary<string, NpyArray> arrays;
        try
        {
            arrays = Npz.Read(path);
        }
        catch (InvalidDataException e)
        {
            throw new ModelCardException($"statistics file '{path}': {e.Message}", e);
        }

        if (!arrays.TryGetValue("mean", out var mean) || mean.Data.Length != sampleSize)
        {
            throw new ModelCardException($"statistics file '{path}': expected an array 'mean' of {sampleSize} values");
        }

        if (arrays.TryGetValue("covariance", out var covariance))
        {
            if (covariance.Data.Length != sampleSize * sampleSize)
            {
                throw new ModelCardException($"statistics file '{path}': 'covariance' has {covariance.Data.Length} values; expected {sampleSize} x {sampleSize}");
            }

            var variance = Enumerable.Range(0, sampleSize).Select(i => covariance.Data[(i * sampleSize) + i]).ToArray();
            return new DataStatistics(mean.Data, variance, covariance.Data);
        }

        if (arrays.TryGetValue("variance", out var diagonal) && diagonal.Data.Length == sampleSize)
        {
            return new DataStatistics(mean.Data, diagonal.Data);
        }

        throw new ModelCardException($"statistics file '{path}': expected 'covariance' [{sampleSize}, {sampleSize}] or 'variance' [{sampleSize}]");
    }

    /// <summary>Writes the statistics; the full covariance only when <paramref name="fullCovariance"/> and it is known.</summary>
    public static void Write(string path, DataStatistics statistics, bool fullCovariance)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        var d = statistics.Mean.Count;
        var arrays = new List<KeyValuePair<string, NpyArray>> { new("mean", new NpyArray([d], [.. statistics.Mean])) };
        arrays.Add(fullCovariance && statistics.Covariance is { } covariance
            ? new("covariance", new NpyArray([d, d], [.. covariance]))
            : new("variance", new NpyArray([d], [.. statistics.Variance])));
        Npz.Write(path, arrays);
    }
}
