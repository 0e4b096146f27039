using System.Globalization;
using ScheduleSearch.Cli.Infrastructure;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Search.Results;

namespace ScheduleSearch.Cli.Reports.Html;

/// <summary>
/// The report's charts, drawn from the same <see cref="SearchResults"/> as <c>show</c> and <c>plot</c>: every
/// evaluation per NFE with the best-so-far line, the NFE-vs-score front and the best schedules' timesteps in log-SNR.
/// </summary>
internal static class ReportCharts
{
    /// <summary>Colours of the phases and series (Tableau 10, readable on white).</summary>
    private const string CompositePrefix = "composite/";

    private static readonly string[] Palette = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

    /// <summary>Every evaluation at one NFE (score vs index, coloured by the generator or phase that proposed it) and the best-so-far line.</summary>
    public static string History(SearchResults summary, NfeSummary nfe)
    {
        var chart = new SvgChart(string.Create(CultureInfo.InvariantCulture, $"history-nfe{nfe.Nfe}"), "evaluation at this NFE (baselines first)", $"{summary.Metric} (log scale; lower is better)", logY: true);
        var lastGeneration = nfe.History.Count == 0 ? 1 : nfe.History.Max(e => e.Record.Generation);
        var points = nfe.History.Select((e, i) => (Entry: e, Index: i + 1, Phase: Phase(e, lastGeneration))).ToList();
        var phases = points.Select(p => p.Phase).Distinct().ToList();
        for (var k = 0; k < phases.Count; k++)
        {
            chart.Add(phases[k], Palette[k % Palette.Length], points.Where(p => p.Phase == phases[k]).Select(p => new ChartPoint(p.Index, p.Entry.Record.Score,
                string.Create(CultureInfo.InvariantCulture, $"#{p.Index} {p.Phase}: {Numbers.Score(p.Entry.Record.Score)}\n{p.Entry.Schedule.Name}\n{StepCodes.Of(p.Entry.Schedule)}\nkey {p.Entry.Record.ScheduleKey}"))));
        }

        var best = double.PositiveInfinity;
        var line = new List<ChartPoint>();
        foreach (var (entry, index, _) in points)
        {
            if (double.IsFinite(entry.Record.Score) && entry.Record.Score < best)
            {
                best = entry.Record.Score;
                line.Add(new ChartPoint(index, best, string.Create(CultureInfo.InvariantCulture, $"best so far at #{index}: {Numbers.Score(best)}")));
            }
        }

        chart.Add("best so far", "#222222", line, LineStyle.Solid, radius: 2);
        return chart.ToSvg();
    }

    /// <summary>NFE vs score: every baseline, the best baseline and the best found, on the scoring and held-out sets.</summary>
    public static string Front(SearchResults summary)
    {
        var chart = new SvgChart("front-chart", "NFE (model evaluations per sample)", $"{summary.Metric} (log scale; lower is better)", logY: true) { IntegerX = true };
        chart.Add("every baseline (scoring)", "#bab0ac", summary.PerNfe.SelectMany(n => n.Baselines.Select(b =>
            new ChartPoint(n.Nfe, b.Record.Score, $"{b.Schedule.Name}: {Numbers.Score(b.Record.Score)}"))));
        Series(chart, summary, "best baseline (scoring)", "#f28e2b", LineStyle.Dashed, n => n.BestBaseline, e => e.Record.Score);
        Series(chart, summary, "best found (scoring)", "#4e79a7", LineStyle.Solid, n => n.Best, e => e.Record.Score);
        Series(chart, summary, "best baseline (held-out)", "#e15759", LineStyle.Dashed, n => n.BestBaseline, e => e.HeldOut);
        Series(chart, summary, "best found (held-out)", "#59a14f", LineStyle.Solid, n => n.Best, e => e.HeldOut);
        return chart.ToSvg();
    }

    /// <summary>Model time per sample vs score for a search with measured model times: the time-vs-score front over the whole history.</summary>
    public static string CostFront(SearchResults summary, CostSummary cost) =>
        Chart("cost-front", "model time per sample (ms)", $"{summary.Metric} (log scale; lower is better)", c => c.Add("time-vs-score front", "#4e79a7",
            cost.Front.Select(f => new ChartPoint(f.Ms, f.Entry.Record.Score, string.Create(CultureInfo.InvariantCulture,
                $"{Numbers.Time(f.Ms)} ms, NFE {f.Entry.Record.Nfe}: {Numbers.Score(f.Entry.Record.Score)}\n{(f.Entry.IsBaseline ? f.Entry.Schedule.Name : StepCodes.Of(f.Entry.Schedule))}"))), LineStyle.Solid, radius: 4));

    /// <summary>The timesteps of the best found schedule and up to four best baselines at one NFE, in log-SNR, one row each.</summary>
    public static string Timesteps(SearchResults summary, NfeSummary nfe, NoiseSchedule noise)
    {
        var rows = new List<(string Label, ScoredEntry Entry)>();
        if (nfe.Best is { } best)
        {
            rows.Add(("best found", best));
        }

        rows.AddRange(nfe.Baselines.Where(b => b.Record.ScheduleKey != nfe.Best?.Record.ScheduleKey).Take(4).Select(b => (b.Schedule.Name, b)));
        var chart = new SvgChart(string.Create(CultureInfo.InvariantCulture, $"timesteps-nfe{nfe.Nfe}"), "log-SNR = 2 log(alpha/sigma) (noise on the left, data on the right)", "schedule", logY: false)
        {
            // Short row names on the axis (the legend names each schedule in full).
            YCategories = [.. Enumerable.Range(0, rows.Count).Select(i => rows.Count - 1 - i == 0 && nfe.Best is not null ? "found" : string.Create(CultureInfo.InvariantCulture, $"baseline {rows.Count - 1 - i + (nfe.Best is null ? 1 : 0)}"))],
        };
        for (var r = 0; r < rows.Count; r++)
        {
            var (label, entry) = rows[r];
            var y = rows.Count - r;
            chart.Add(label, Palette[r % Palette.Length], entry.Schedule.Timesteps.Select((t, i) => new ChartPoint(LogSnr(noise, t), y,
                string.Create(CultureInfo.InvariantCulture, $"{label} ({Numbers.Score(entry.Record.Score)}): t{i} = {t:G6}"))), LineStyle.Solid, radius: 5);
        }

        return chart.ToSvg();
    }

    /// <summary>
    /// What proposed an evaluation, the history's colour: "baselines" for the classic presets scored first, else the
    /// generator the store recorded with it (a composite strategy's phase, e.g. "cma-timesteps" for
    /// "composite/cma-timesteps"). Evaluations stored before the generator was recorded (and those of distributed
    /// workers) fall back to a range of generations ("generations 1-6"), at most five bands over the NFE's history:
    /// a strategy's phases run in generation order, so the bands still show how the search progressed.
    /// </summary>
    public static string Phase(ScoredEntry entry, int lastGeneration)
    {
        if (entry.IsBaseline)
        {
            return "baselines";
        }

        if (entry.Record.Generator is { } generator)
        {
            return generator.StartsWith(CompositePrefix, StringComparison.Ordinal) ? generator[CompositePrefix.Length..] : generator;
        }

        var width = Math.Max(1, (int)Math.Ceiling(lastGeneration / 5.0));
        var band = (entry.Record.Generation - 1) / width;
        var first = (band * width) + 1;
        var last = Math.Min(lastGeneration, (band + 1) * width);
        return first == last ? string.Create(CultureInfo.InvariantCulture, $"generation {first}") : string.Create(CultureInfo.InvariantCulture, $"generations {first}-{last}");
    }

    private static void Series(SvgChart chart, SearchResults summary, string name, string color, LineStyle line, Func<NfeSummary, ScoredEntry?> pick, Func<ScoredEntry, double?> score) =>
        chart.Add(name, color, summary.PerNfe.Select(n => (n.Nfe, Entry: pick(n))).Where(p => p.Entry is not null && score(p.Entry) is not null)
            .Select(p => new ChartPoint(p.Nfe, score(p.Entry!)!.Value, $"NFE {p.Nfe} {name}: {Numbers.Score(score(p.Entry!))} ({p.Entry!.Schedule.Name})")), line, radius: 5);

    private static string Chart(string id, string xLabel, string yLabel, Action<SvgChart> fill)
    {
        var chart = new SvgChart(id, xLabel, yLabel, logY: true);
        fill(chart);
        return chart.ToSvg();
    }

    private static double LogSnr(NoiseSchedule noise, double t)
    {
        var lambda = t == 0.0 ? double.PositiveInfinity : noise.Lambda(t);
        return double.IsFinite(lambda) ? 2.0 * lambda : (2.0 * noise.Lambda(noise.TMin)) + 2.0;
    }
}
