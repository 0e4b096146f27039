using ScheduleSearch.Core.Ems;
using ScheduleSearch.Models.Arrays;

namespace ScheduleSearch.Models.Cards;

/// <summary>
/// A card's DPM-Solver-v3 statistics file (card field <c>"ems"</c>): an .npz with <c>lambda</c> [K+1] (increasing,
/// index 0 = the noisiest grid point) and <c>l</c>, <c>s</c>, <c>b</c> [K+1, ...sample_shape]; optional extra arrays
/// (the estimator's intermediate moments, its settings) are ignored by the sampler.
/// </summary>
public static class EmsFile
{
    /// <summary>Reads the statistics; errors name the file and the missing or misshapen array.</summary>
    public static EmsStatistics Read(string path, int sampleSize)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new ModelCardException($"empirical model statistics file '{path}' does not exist (estimate it with schedule-search model stats CARD --ems)");
        }

        IReadOnlyDictionary<string, NpyArray> arrays;
        try
        {
            arrays = Npz.Read(path);
        }
        catch (InvalidDataException e)
        {
            throw new ModelCardException($"empirical model statistics file '{path}': {e.Message}", e);
        }

        if (!arrays.TryGetValue("lambda", out var lambda) || lambda.Shape.Length != 1 || lambda.Data.Length < 2)
        {
            throw new ModelCardException($"empirical model statistics file '{path}': expected an array 'lambda' [K+1] with K >= 1");
        }

        var rows = lambda.Data.Length;
        double[] Get(string name)
        {
            if (!arrays.TryGetValue(name, out var array) || array.Data.Length != rows * sampleSize || array.Shape.Length < 1 || array.Shape[0] != rows)
            {
                throw new ModelCardException($"empirical model statistics file '{path}': expected an array '{name}' [{rows}, ...] of {rows} x {sampleSize} values (one row per lambda, the model's sample shape)");
            }

            return array.Data;
        }

        try
        {
            return new EmsStatistics(lambda.Data, Get("l"), Get("s"), Get("b"), sampleSize);
        }
        catch (ArgumentException e)
        {
            throw new ModelCardException($"empirical model statistics file '{path}': {e.Message}", e);
        }
    }

    /// <summary>
    /// Writes the statistics shaped [K+1, ...<paramref name="sampleShape"/>], with <paramref name="extra"/> arrays
    /// (intermediate moments, settings) after them.
    /// </summary>
    public static void Write(string path, EmsStatistics statistics, IReadOnlyList<int> sampleShape, IEnumerable<KeyValuePair<string, NpyArray>>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(sampleShape);
        var rows = statistics.Intervals + 1;
        int[] shape = [rows, .. sampleShape];
        var arrays = new List<KeyValuePair<string, NpyArray>>
        {
            new("lambda", new NpyArray([rows], statistics.Lambda.ToArray())),
            new("l", new NpyArray(shape, statistics.L.ToArray())),
            new("s", new NpyArray(shape, statistics.S.ToArray())),
            new("b", new NpyArray(shape, statistics.B.ToArray())),
        };
        if (extra is not null)
        {
            arrays.AddRange(extra);
        }

        Npz.Write(path, arrays);
    }
}
