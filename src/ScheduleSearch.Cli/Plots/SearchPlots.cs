using System.Globalization;
using ScheduleSearch.Cli.Infrastructure;
using ScheduleSearch.Cli.Reports;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Search.Results;
using ScottPlot;

namespace ScheduleSearch.Cli.Plots;

/// <summary>
/// The PNGs of <c>plot</c>: the optimisation history (best score vs evaluations per NFE, best baselines as dashed
/// lines), the NFE-vs-score front (found vs every baseline) and, per NFE, the best schedules' timesteps against
/// the best baselines' in log-SNR. Scores are drawn on a log axis: they span decades across NFEs.
/// </summary>
public static class SearchPlots
{
    private const int Width = 1000;
    private const int Height = 640;

    /// <summary>Writes every figure into <paramref name="folder"/>; returns the files written.</summary>
    public static IReadOnlyList<string> WriteAll(SearchResults summary, NoiseSchedule noise, string folder)
    {
        ArgumentNullException.ThrowIfNull(summary);
        Directory.CreateDirectory(folder);
        var files = new List<string> { History(summary, Path.Combine(folder, "history.png")), Front(summary, Path.Combine(folder, "front.png")) };
        foreach (var nfe in summary.PerNfe.Where(n => n.Best is not null))
        {
            files.Add(Timesteps(summary, nfe, noise, Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"timesteps-nfe{nfe.Nfe}.png"))));
        }

        return files;
    }

    /// <summary>Best score so far vs evaluations, one line per NFE, its best baseline dashed in the same colour.</summary>
    public static string History(SearchResults summary, string path)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var index = 0;
        foreach (var nfe in summary.PerNfe)
        {
            var color = palette.GetColor(index++);
            var xs = new List<double>();
            var ys = new List<double>();
            var best = double.PositiveInfinity;
            var count = 0;
            foreach (var entry in nfe.History)
            {
                count++;
                if (double.IsFinite(entry.Record.Score) && entry.Record.Score < best)
                {
                    best = entry.Record.Score;
                    if (xs.Count > 0)
                    {
                        xs.Add(count);
                        ys.Add(ys[^1]);
                    }

                    xs.Add(count);
                    ys.Add(Math.Log10(best));
                }
            }

            if (xs.Count == 0)
            {
                continue;
            }

            xs.Add(count);
            ys.Add(ys[^1]);
            var line = plot.Add.Scatter(xs.ToArray(), ys.ToArray(), color);
            line.LegendText = string.Create(CultureInfo.InvariantCulture, $"NFE {nfe.Nfe}: best found {Numbers.Score(best)}");
            line.MarkerSize = 0;
            line.LineWidth = 2;
            if (nfe.BestBaseline is { } baseline)
            {
                var h = plot.Add.HorizontalLine(Math.Log10(baseline.Record.Score), 1.5f, color, LinePattern.Dashed);
                h.LegendText = string.Create(CultureInfo.InvariantCulture, $"NFE {nfe.Nfe}: best baseline {Numbers.Score(baseline.Record.Score)} ({baseline.Schedule.Name})");
            }
        }

        plot.Title($"{summary.Search.Name}: optimisation history");
        plot.XLabel("evaluations at this NFE (baselines first)");
        plot.YLabel($"best {summary.Metric} so far (log scale; lower is better)");
        LogAxis(plot);
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, Width, Height);
        return path;
    }

    /// <summary>NFE vs score: the best found (scoring and held-out), the best baseline, and every baseline as a grey dot.</summary>
    public static string Front(SearchResults summary, string path)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var plot = new Plot();
        var baselineX = new List<double>();
        var baselineY = new List<double>();
        foreach (var nfe in summary.PerNfe)
        {
            foreach (var b in nfe.Baselines)
            {
                baselineX.Add(nfe.Nfe);
                baselineY.Add(Math.Log10(b.Record.Score));
            }
        }

        if (baselineX.Count > 0)
        {
            var all = plot.Add.Scatter(baselineX.ToArray(), baselineY.ToArray(), Colors.Gray.WithAlpha(0.5));
            all.LineWidth = 0;
            all.MarkerSize = 6;
            all.LegendText = "every baseline (preset x spacing)";
        }

        Series(plot, summary, n => n.BestBaseline?.Record.Score, "best baseline (scoring set)", Colors.DarkOrange, LinePattern.Dashed);
        Series(plot, summary, n => n.Best?.Record.Score, "best found (scoring set)", Colors.RoyalBlue, LinePattern.Solid);
        Series(plot, summary, n => n.BestBaseline?.HeldOut, "best baseline (held-out)", Colors.DarkRed, LinePattern.Dotted);
        Series(plot, summary, n => n.Best?.HeldOut, "best found (held-out)", Colors.DarkGreen, LinePattern.Dotted);
        plot.Title($"{summary.Search.Name}: NFE vs {summary.Metric}");
        plot.XLabel("NFE (model evaluations per sample)");
        plot.YLabel($"{summary.Metric} (log scale; lower is better)");
        LogAxis(plot);
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (var nfe in summary.PerNfe)
        {
            ticks.AddMajor(nfe.Nfe, nfe.Nfe.ToString(CultureInfo.InvariantCulture));
        }

        plot.Axes.Bottom.TickGenerator = ticks;
        if (summary.PerNfe.Count > 0)
        {
            plot.Axes.SetLimitsX(summary.PerNfe[0].Nfe - 0.5, summary.PerNfe[^1].Nfe + 0.5);
        }

        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, Width, Height);
        return path;
    }

    /// <summary>The timesteps of the best found schedule and the best baselines at one NFE, in log-SNR, one row each.</summary>
    public static string Timesteps(SearchResults summary, NfeSummary nfe, NoiseSchedule noise, string path)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(nfe);
        ArgumentNullException.ThrowIfNull(noise);
        var rows = new List<(string Label, ScoredEntry Entry, Color Color)>();
        if (nfe.Best is { } best)
        {
            rows.Add(($"best found ({Numbers.Score(best.Record.Score)}): {StepCodes.Of(best.Schedule)}", best, Colors.RoyalBlue));
        }

        var palette = new ScottPlot.Palettes.Category10();
        var i = 1;
        foreach (var baseline in nfe.Baselines.Where(b => b.Record.ScheduleKey != nfe.Best?.Record.ScheduleKey).Take(4))
        {
            rows.Add(($"{baseline.Schedule.Name} ({Numbers.Score(baseline.Record.Score)})", baseline, palette.GetColor(i++)));
        }

        var plot = new Plot();
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (var r = 0; r < rows.Count; r++)
        {
            var y = rows.Count - r;
            var lambdas = rows[r].Entry.Schedule.Timesteps.Select(t => LogSnr(noise, t)).ToArray();
            var scatter = plot.Add.Scatter(lambdas, Enumerable.Repeat((double)y, lambdas.Length).ToArray(), rows[r].Color);
            scatter.MarkerSize = 10;
            scatter.LineWidth = 1;
            scatter.LegendText = rows[r].Label;
            ticks.AddMajor(y, r == 0 ? "found" : "baseline " + r.ToString(CultureInfo.InvariantCulture));
        }

        plot.Axes.Left.TickGenerator = ticks;
        plot.Axes.SetLimitsY(0.3, rows.Count + 0.7 + (rows.Count * 0.35));
        plot.Title(string.Create(CultureInfo.InvariantCulture, $"{summary.Search.Name}: timesteps at NFE {nfe.Nfe}"));
        plot.XLabel("log-SNR = 2 log(alpha/sigma) of each timestep (noise on the left, data on the right)");
        plot.YLabel("schedule");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, Width, Height);
        return path;
    }

    private static double LogSnr(NoiseSchedule noise, double t)
    {
        var lambda = t == 0.0 ? double.PositiveInfinity : noise.Lambda(t);
        return double.IsFinite(lambda) ? 2.0 * lambda : 2.0 * noise.Lambda(noise.TMin) + 2.0;
    }

    private static void Series(Plot plot, SearchResults summary, Func<NfeSummary, double?> value, string label, Color color, LinePattern pattern)
    {
        var points = summary.PerNfe.Select(n => (X: (double)n.Nfe, Y: value(n))).Where(p => p.Y is { } y && y > 0 && double.IsFinite(y)).ToArray();
        if (points.Length == 0)
        {
            return;
        }

        var scatter = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => Math.Log10(p.Y!.Value)).ToArray(), color);
        scatter.LegendText = label;
        scatter.LinePattern = pattern;
        scatter.LineWidth = 2;
        scatter.MarkerSize = 9;
    }

    private static void LogAxis(Plot plot)
    {
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = false,
            LabelFormatter = y => Math.Pow(10, y).ToString("G3", CultureInfo.InvariantCulture),
        };
    }
}
