using ScheduleSearch.Core.Ems;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Spacings;
using ScheduleSearch.Models.Arrays;
using ScheduleSearch.Models.Cards;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Models.Tests.Cards;

public sealed class EmsExcerptFileTests
{
    private const int Size = 3;
    private const int Intervals = 40;

    [Fact]
    public void The_excerpt_holds_the_integrals_at_every_time_and_each_v3_steps_coefficients_on_and_between_grid_points()
    {
        var noise = VpDiscreteSchedule.Linear();
        var statistics = Statistics(noise);
        var integrals = statistics.Integrals;
        // On grid points, the last step plain (it reads no coefficients); and between them, every step v3.
        var onGrid = V3(noise, [.. new[] { 0, 10, 20, 30, 40 }.Select(j => statistics.GridTime(noise, j))], plainLast: true);
        var between = V3(noise, [statistics.GridTime(noise, 0), .. new[] { 10.5, 20.25, 30.75 }.Select(j => MidTime(noise, statistics, j)), statistics.GridTime(noise, 40)], plainLast: false);
        using var dir = new TempDirectory();
        EmsExcerptFile.Write(dir.File("x.npz"), statistics, noise, [onGrid, between], [Size]);

        var file = Npz.Read(dir.File("x.npz"));
        Assert.Equal(statistics.Lambda.ToArray(), file["lambda"].Data);
        var times = onGrid.Timesteps.Concat(between.Timesteps).Distinct().ToArray();
        Assert.Equal([times.Length, 6, Size], file["points"].Shape);
        Assert.Equal(3, file["points_theta"].Data.Count(theta => theta != 0.0));
        var values = new double[6 * Size];
        var located = new List<EmsGridPoint>();
        for (var p = 0; p < times.Length; p++)
        {
            var at = integrals.Locate(noise.Lambda(times[p]))!.Value;
            located.Add(at);
            Assert.Equal([at.Index, at.Theta, at.Lambda], [file["points_index"].Data[p], file["points_theta"].Data[p], file["points_lambda"].Data[p]]);
            integrals.ValuesAt(at, values);
            Assert.Equal(values, file["points"].Data.AsSpan(p * 6 * Size, 6 * Size).ToArray());
        }

        // 3 v3 intervals on the grid, 4 between; each E_1..E_4 as the update computes it, whatever maxK it asks for.
        Assert.Equal([7, EmsExcerptFile.MaxK, Size], file["intervals"].Shape);
        for (var q = 0; q < 7; q++)
        {
            var s = located[(int)file["intervals_points"].Data[2 * q]];
            var t = located[(int)file["intervals_points"].Data[(2 * q) + 1]];
            Assert.True(s.Index + s.Theta < t.Index + t.Theta);
            var sums = Sums(integrals, s, t);
            foreach (var maxK in new[] { 2, EmsExcerptFile.MaxK })
            {
                var expected = new double[maxK * Size];
                integrals.HighOrderCoefficients(s, t, sums.S, sums.T, maxK, expected);
                Assert.Equal(expected, file["intervals"].Data.AsSpan(q * EmsExcerptFile.MaxK * Size, maxK * Size).ToArray());
            }
        }
    }

    private static EmsStatistics Statistics(NoiseSchedule noise)
    {
        var grid = EmsStatistics.Degenerated(noise, Size, noise.DefaultTStart, noise.DefaultTEnd, Intervals).Lambda.ToArray();
        double[] Wave(double phase) => [.. Enumerable.Range(0, grid.Length * Size).Select(i => phase + (0.1 * Math.Sin(i * 0.37 + phase)))];
        return new EmsStatistics(grid, Wave(1.0), Wave(0.2), Wave(-0.3), Size);
    }

    private static double MidTime(NoiseSchedule noise, EmsStatistics statistics, double position)
    {
        var j = (int)position;
        var lambda = statistics.Lambda[j] + ((position - j) * (statistics.Lambda[j + 1] - statistics.Lambda[j]));
        return noise.InverseLambda(lambda);
    }

    private static SamplerSchedule V3(NoiseSchedule noise, double[] times, bool plainLast)
    {
        var preset = PresetCatalog.Create("dpm-solver++-2m", noise, times.Length - 1, Spacing.LogSnrUniform);
        var steps = preset.Steps.Select((s, i) => plainLast && i == preset.Steps.Length - 1 ? s : s with { Derivative = DerivativeForm.DpmSolverV3 });
        return preset with { Timesteps = [.. times], Steps = [.. steps] };
    }

    private static (double[] S, double[] T) Sums(EmsIntegrals integrals, EmsGridPoint s, EmsGridPoint t)
    {
        double[] Sum(EmsGridPoint p)
        {
            var v = new double[6 * Size];
            integrals.ValuesAt(p, v);
            return [.. Enumerable.Range(0, Size).Select(e => v[Size + e] + v[(2 * Size) + e])];
        }

        return (Sum(s), Sum(t));
    }
}
