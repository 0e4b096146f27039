using ScheduleSearch.Core.Ems;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Models.Arrays;

namespace ScheduleSearch.Models.Cards;

/// <summary>
/// What a schedule's DPM-Solver-v3 updates read of a card's statistics, for the Python package: instead of l, s, b on
/// the whole grid (3 (K + 1) values per data element, 472 MB for a 4x64x64 latent at K = 1200), the integrals' values
/// at each of the schedule's times and each step's E_k. The update (Sampler.Ems.cs) reads nothing else: at every point
/// it reads <see cref="EmsIntegrals.ValuesAt"/> (l, L, S, I, B, C), and per step the E_k of its interval, which depend
/// only on the interval's two ends (every update of a step runs from its start time to its end time). Arrays:
/// <c>lambda</c> [K+1] (the whole grid, to locate points as the full file does), <c>points_index</c>,
/// <c>points_theta</c>, <c>points_lambda</c> [P] (each point as <see cref="EmsIntegrals.Locate"/> gives it),
/// <c>points</c> [P, 6, ...sample shape], <c>intervals_points</c> [Q, 2] (rows of the points) and <c>intervals</c>
/// [Q, <see cref="MaxK"/>, ...sample shape] (E_1..E_MaxK; E_k does not depend on how many are computed).
/// </summary>
public static class EmsExcerptFile
{
    /// <summary>The most E_k an update reads: order 4 plus the pseudo corrector's extra point makes 5 points.</summary>
    public const int MaxK = 4;

    /// <summary>
    /// Writes the excerpt <paramref name="schedules"/> read of <paramref name="statistics"/> (in the model's
    /// <paramref name="noise"/> schedule) to <paramref name="path"/>; times off the grid's range are left out (no v3
    /// update reads them: the tool refuses such a schedule).
    /// </summary>
    public static void Write(string path, EmsStatistics statistics, NoiseSchedule noise, IEnumerable<SamplerSchedule> schedules, IReadOnlyList<int> sampleShape)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(noise);
        ArgumentNullException.ThrowIfNull(schedules);
        ArgumentNullException.ThrowIfNull(sampleShape);
        var integrals = statistics.Integrals;
        var d = statistics.SampleSize;
        var points = new List<EmsGridPoint>();
        var intervals = new List<(int S, int T)>();
        int? Row(double t)
        {
            if (integrals.Locate(noise.Lambda(t)) is not { } at)
            {
                return null;
            }

            var row = points.IndexOf(at);
            if (row < 0)
            {
                points.Add(at);
                row = points.Count - 1;
            }

            return row;
        }

        foreach (var schedule in schedules)
        {
            var rows = schedule.Timesteps.Select(Row).ToArray();
            for (var i = 0; i < schedule.Steps.Length; i++)
            {
                var step = schedule.Steps[i];
                if (step.ReadsEms && rows[i] is { } s && rows[i + 1] is { } t && !intervals.Contains((s, t)))
                {
                    intervals.Add((s, t));
                }
            }
        }

        var values = new double[points.Count * 6 * d];
        for (var p = 0; p < points.Count; p++)
        {
            integrals.ValuesAt(points[p], values.AsSpan(p * 6 * d, 6 * d));
        }

        var coefficients = new double[intervals.Count * MaxK * d];
        var sumS = new double[d];
        var sumT = new double[d];
        for (var q = 0; q < intervals.Count; q++)
        {
            var (s, t) = intervals[q];
            for (var e = 0; e < d; e++)
            {
                // L + S at both ends, as the update forms them from ValuesAt.
                sumS[e] = values[(s * 6 * d) + d + e] + values[(s * 6 * d) + (2 * d) + e];
                sumT[e] = values[(t * 6 * d) + d + e] + values[(t * 6 * d) + (2 * d) + e];
            }

            integrals.HighOrderCoefficients(points[s], points[t], sumS, sumT, MaxK, coefficients.AsSpan(q * MaxK * d, MaxK * d));
        }

        Npz.Write(path,
        [
            new("lambda", new NpyArray([statistics.Intervals + 1], statistics.Lambda.ToArray())),
            new("points_index", new NpyArray([points.Count], [.. points.Select(p => (double)p.Index)])),
            new("points_theta", new NpyArray([points.Count], [.. points.Select(p => p.Theta)])),
            new("points_lambda", new NpyArray([points.Count], [.. points.Select(p => p.Lambda)])),
            new("points", new NpyArray([points.Count, 6, .. sampleShape], values)),
            new("intervals_points", new NpyArray([intervals.Count, 2], [.. intervals.SelectMany(i => new double[] { i.S, i.T })])),
            new("intervals", new NpyArray([intervals.Count, MaxK, .. sampleShape], coefficients)),
        ]);
    }
}
