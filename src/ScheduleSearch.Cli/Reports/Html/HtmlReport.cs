using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using ScheduleSearch.Cli.Infrastructure;
using ScheduleSearch.Core.Formatting;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Export;
using ScheduleSearch.Search.Results;

namespace ScheduleSearch.Cli.Reports.Html;

/// <summary>
/// <c>report</c>'s page: one self-contained HTML file (styles, the few lines of script and every datum inline; no
/// request of any kind, so it opens from a file:// URL or an e-mail attachment) with the sections summary, history,
/// front, timesteps, schedules and exports. Numbers come from the same <see cref="SearchResults"/> as
/// <c>show --json</c>, whose document the page also carries (element <c>summary-json</c>).
/// </summary>
internal static class HtmlReport
{
    /// <summary>
    /// The page for <paramref name="summary"/>; <paramref name="refreshSeconds"/> makes it reload itself (for <c>--watch</c>);
    /// <paramref name="grids"/> gives an NFE's sample grids (image models).
    /// </summary>
    public static string Write(SearchResults summary, CostSummary? cost, NoiseSchedule noise, Func<ScoredEntry, int, ExportedSchedule> toExported, int? refreshSeconds = null, Func<NfeSummary, string>? grids = null)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var s = summary.Search;
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        page.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">");
        if (refreshSeconds is { } seconds)
        {
            page.Append(Invariant($"<meta http-equiv=\"refresh\" content=\"{seconds}\">"));
        }

        page.Append("<title>").Append(E($"{s.Name}: schedule-search report")).Append("</title><style>").Append(ReportAssets.Style).Append("</style></head><body>");
        page.Append("<h1>").Append(E(s.Name)).Append("</h1>");
        page.Append("<script type=\"application/json\" id=\"summary-json\">").Append(SummaryJson.Write(summary, cost).Replace("</", "<\\/", StringComparison.Ordinal)).Append("</script>");
        Summary(page, summary);
        Section(page, "history", "History", "Every evaluation per NFE (score vs evaluation index, coloured by what proposed it: the baselines, then the generator or phase of the strategy"
            + (summary.Spec is { } spec ? " (strategy " + spec.Strategy.Kind + ")" : string.Empty) + "; generation bands where the store did not record it) and the best score so far; hover a point for its schedule and key.",
            string.Concat(summary.PerNfe.Select(n => Invariant($"<h3>NFE {n.Nfe}</h3>") + ReportCharts.History(summary, n))));
        Section(page, "front", "Front", "NFE vs score: the best found and the best baseline on the scoring and held-out sets, every baseline in grey.",
            ReportCharts.Front(summary) + (cost is { Front.Count: > 0 } ? "<h3>Model time per sample vs score</h3>" + ReportCharts.CostFront(summary, cost) : string.Empty));
        Section(page, "timesteps", "Timesteps", "The best schedule's timesteps against the best baselines' in log-SNR, per NFE.",
            string.Concat(summary.PerNfe.Where(n => n.Best is not null).Select(n => Invariant($"<h3>NFE {n.Nfe}</h3>") + ReportCharts.Timesteps(summary, n, noise))));
        Section(page, "schedules", "Schedules", "The top schedules per NFE; click a column to sort, hover the steps for each step's decisions in words."
            + (grids is null ? string.Empty : " Samples of the teacher, the best found and the best baseline on the first held-out noise draws."),
            string.Concat(summary.PerNfe.Select(n => ScheduleTable(n) + (grids?.Invoke(n) ?? string.Empty))));
        Section(page, "exports", "Exports", "The best schedule per NFE in each export format, with what the target cannot express (its notes).",
            string.Concat(summary.PerNfe.Where(n => n.Best is not null).Select(n => Exports(summary.Search.Name, n, toExported))));
        page.Append("<footer>Written by schedule-search report at ").Append(E(DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)))
            .Append(" from ").Append(E(summary.DatabasePath)).Append(".</footer>");
        page.Append("<script>").Append(ReportAssets.Script).Append("</script></body></html>\n");
        return page.ToString();
    }

    private static void Summary(StringBuilder page, SearchResults summary)
    {
        var s = summary.Search;
        var spec = summary.Spec;
        var facts = new List<(string Label, string Value, string Field)>
        {
            ("model", summary.Model?.Path ?? spec?.ModelPath ?? "-", "model"),
            ("metric", spec?.Metric.Kind ?? summary.Metric, "metric"),
            ("status", SummaryJson.Status(s.Status), "status"),
            ("evaluations", Invariant($"{s.Evaluations}{(spec is null ? string.Empty : " of " + spec.Budget.Evaluations.ToString(CultureInfo.InvariantCulture))}"), "evaluations"),
            ("cache hits", Numbers.Int(s.CacheHits), "cache_hits"),
            ("diverged", Numbers.Int(s.Diverged), "diverged"),
            ("wall time", (s.Updated - s.Created).ToString("d\\.hh\\:mm\\:ss", CultureInfo.InvariantCulture), "wall_time_s"),
            ("compute time", summary.ComputeTime.ToString("d\\.hh\\:mm\\:ss", CultureInfo.InvariantCulture), "compute_time_s"),
        };
        var body = new StringBuilder("<dl class=\"facts\">");
        foreach (var (label, value, field) in facts)
        {
            body.Append("<dt>").Append(E(label)).Append("</dt><dd data-field=\"").Append(field).Append("\">").Append(E(value)).Append("</dd>");
        }

        body.Append("</dl><table class=\"per-nfe\"><thead><tr><th>NFE</th><th>found (held-out)</th><th>baseline (held-out)</th><th>change</th>"
            + "<th>found (scoring)</th><th>baseline (scoring)</th><th>change</th><th>best baseline</th></tr></thead><tbody>");
        for (var i = 0; i < summary.PerNfe.Count; i++)
        {
            var n = summary.PerNfe[i];
            body.Append("<tr>").Append(Cell(Numbers.Int(n.Nfe), $"per_nfe.{i}.nfe", n.Nfe))
                .Append(Cell(Numbers.Score(n.Best?.HeldOut), $"per_nfe.{i}.best.heldout", n.Best?.HeldOut))
                .Append(Cell(Numbers.Score(n.BestBaseline?.HeldOut), $"per_nfe.{i}.best_baseline.heldout", n.BestBaseline?.HeldOut))
                .Append(Cell(Numbers.Reduction(n.Best?.HeldOut, n.BestBaseline?.HeldOut), $"per_nfe.{i}.heldout_reduction", null))
                .Append(Cell(Numbers.Score(n.Best?.Record.Score), $"per_nfe.{i}.best.score", n.Best?.Record.Score))
                .Append(Cell(Numbers.Score(n.BestBaseline?.Record.Score), $"per_nfe.{i}.best_baseline.score", n.BestBaseline?.Record.Score))
                .Append(Cell(Numbers.Reduction(n.Best?.Record.Score, n.BestBaseline?.Record.Score), $"per_nfe.{i}.reduction", null))
                .Append("<td>").Append(E(n.BestBaseline?.Schedule.Name ?? "-")).Append("</td></tr>");
        }

        body.Append("</tbody></table><p class=\"note\">Held-out: the winners re-scored on noise the search never saw (the headline); scoring: the noise the search optimised on. Change: relative to the best baseline.</p>");
        Section(page, "summary", "Summary", string.Empty, body.ToString());
    }

    private static string ScheduleTable(NfeSummary nfe)
    {
        var html = new StringBuilder(Invariant($"<h3>NFE {nfe.Nfe}: top {nfe.Top.Count} of {nfe.History.Count}</h3><table class=\"sortable\" data-nfe=\"{nfe.Nfe}\"><thead><tr>"))
            .Append("<th data-type=\"number\">#</th><th data-type=\"number\">score</th><th data-type=\"number\">held-out</th><th>origin</th><th>timesteps</th><th>steps</th></tr></thead><tbody>");
        for (var i = 0; i < nfe.Top.Count; i++)
        {
            var e = nfe.Top[i];
            var origin = e.IsBaseline ? e.Schedule.Name
                : Invariant($"found (gen {e.Record.Generation}{(e.Record.Generator is { } g ? ", " + g : string.Empty)}, grown from {e.Schedule.Name})");
            html.Append("<tr>").Append(Cell(Numbers.Int(i + 1), null, i + 1)).Append(Cell(Numbers.Score(e.Record.Score), null, e.Record.Score))
                .Append(Cell(Numbers.Score(e.HeldOut), null, e.HeldOut)).Append("<td>").Append(E(origin)).Append("</td><td class=\"mono\">")
                .Append(E(StepCodes.Timesteps(e.Schedule))).Append("</td><td class=\"mono\" title=\"").Append(E(StepWords.Of(e.Schedule))).Append("\">")
                .Append(E(StepCodes.Of(e.Schedule))).Append("</td></tr>");
        }

        return html.Append("</tbody></table>").ToString();
    }

    private static string Exports(string searchName, NfeSummary nfe, Func<ScoredEntry, int, ExportedSchedule> toExported)
    {
        var winner = toExported(nfe.Best!, 1);
        var html = new StringBuilder(Invariant($"<h3>NFE {nfe.Nfe}</h3>"));
        foreach (var exporter in ScheduleExporters.All)
        {
            string text;
            try
            {
                using var writer = new StringWriter(CultureInfo.InvariantCulture);
                exporter.Export([winner], writer);
                text = writer.ToString();
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or NotSupportedException)
            {
                text = $"(this schedule cannot be exported as {exporter.Name}: {ex.Message})";
            }

            var id = Invariant($"export-{exporter.Name}-nfe{nfe.Nfe}");
            html.Append("<div class=\"export\" data-format=\"").Append(E(exporter.Name)).Append("\"><div class=\"export-head\"><b>").Append(E(exporter.Name))
                .Append("</b> <button type=\"button\" class=\"copy\" data-target=\"").Append(id).Append("\">copy</button></div>");
            var notes = Notes(text);
            if (exporter == ScheduleExporters.Json && ScheduleSideFiles.NotWritten([winner.Schedule], Invariant($"run schedule-search export \"{searchName}\" --nfe {nfe.Nfe} --format json --out best.schedule.json")) is { } sideFiles)
            {
                notes.Add(sideFiles);
            }

            if (notes.Count > 0)
            {
                html.Append("<ul class=\"notes\">").Append(string.Concat(notes.Select(n => "<li>" + E(n) + "</li>"))).Append("</ul>");
            }

            html.Append("<pre id=\"").Append(id).Append("\">").Append(E(text)).Append("</pre></div>");
        }

        return html.ToString();
    }

    /// <summary>The "notes" strings of an exported JSON document (every format but json has them), or none.</summary>
    private static List<string> Notes(string exported)
    {
        try
        {
            using var doc = JsonDocument.Parse(exported);
            var root = doc.RootElement.ValueKind == JsonValueKind.Array && doc.RootElement.GetArrayLength() > 0 ? doc.RootElement[0] : doc.RootElement;
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("notes", out var notes) && notes.ValueKind == JsonValueKind.Array
                ? [.. notes.EnumerateArray().Where(n => n.ValueKind == JsonValueKind.String).Select(n => n.GetString()!)]
                : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static void Section(StringBuilder page, string id, string title, string intro, string body)
    {
        page.Append("<section id=\"").Append(id).Append("\"><h2>").Append(E(title)).Append("</h2>");
        if (intro.Length > 0)
        {
            page.Append("<p class=\"intro\">").Append(E(intro)).Append("</p>");
        }

        page.Append(body).Append("</section>");
    }

    private static string Cell(string text, string? field, double? value)
    {
        var attributes = field is null ? string.Empty : " data-field=\"" + field + "\"";
        if (value is { } v && double.IsFinite(v))
        {
            attributes += " data-value=\"" + PlainDecimal.Format(v) + "\"";
        }

        return "<td" + attributes + ">" + E(text) + "</td>";
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
