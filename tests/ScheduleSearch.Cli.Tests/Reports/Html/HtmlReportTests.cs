using System.Globalization;
using System.Text;
using ScheduleSearch.Cli.Commands;
using ScheduleSearch.Cli.Reports;
using ScheduleSearch.Cli.Reports.Html;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Spacings;
using ScheduleSearch.Search.Results;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Cli.Tests.Reports.Html;

/// <summary>The report page written in process from a summary built by hand.</summary>
public sealed class HtmlReportTests
{
    [Fact]
    public void The_page_of_a_1500_evaluation_search_is_under_5_MB_and_holds_a_point_per_evaluation()
    {
        var summary = Summary(evaluationsPerNfe: 750, nfes: [5, 8]);
        var html = HtmlReport.Write(summary, null, VpDiscreteSchedule.Linear(), (e, rank) => ExportCommand.ToExported(e, rank, summary));
        var bytes = Encoding.UTF8.GetByteCount(html);
        Assert.True(bytes < 5_000_000, string.Create(CultureInfo.InvariantCulture, $"the page is {bytes} bytes"));
        var history = string.Concat(html.Split("<svg id=\"history-nfe").Skip(1).Select(svg => svg[..svg.IndexOf("</svg>", StringComparison.Ordinal)]));
        Assert.Equal(1500 + CountOf(history, "class=\"point\"", "best so far"), CountOf(history, "class=\"point\"", null));
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("from files beside the schedule file", html, StringComparison.Ordinal);
    }

    [Fact]
    public void History_is_coloured_by_the_recorded_generator_and_by_generation_band_for_evaluations_stored_without_one()
    {
        var summary = Summary(evaluationsPerNfe: 308, nfes: [5]);
        var nfe = summary.PerNfe[0];
        var history = nfe.History.Select((e, i) => i < 8 ? e : e with { Record = e.Record with { Generator = i < 200 ? "composite/joint-cma" : "composite/evolutionary" } }).ToList();
        Assert.Equal(["baselines", "joint-cma", "evolutionary"], Series(ReportCharts.History(summary, nfe with { History = history })));

        // A store written before the generator was recorded: the generation bands (7 generations, 5 bands of 2).
        Assert.Equal(["baselines", "generations 1-2", "generations 3-4", "generations 5-6", "generation 7"], Series(ReportCharts.History(summary, nfe)));
    }

    [Fact]
    public void Text_from_the_database_is_escaped()
    {
        var summary = Summary(evaluationsPerNfe: 3, nfes: [5]) is var s ? s with { Search = s.Search with { Name = "<script>alert(1)</script>" } } : null!;
        var html = HtmlReport.Write(summary, null, VpDiscreteSchedule.Linear(), (e, rank) => ExportCommand.ToExported(e, rank, summary));
        Assert.DoesNotContain("<script>alert(1)</script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
    }

    /// <summary>The names of a chart's point series in drawing order (the legend's entries), without the best-so-far line.</summary>
    private static string[] Series(string svg) =>
        [.. svg.Split("<g class=\"series\" data-name=\"").Skip(1).Select(part => part[..part.IndexOf('"', StringComparison.Ordinal)]).Where(name => name != "best so far")];

    private static int CountOf(string html, string marker, string? withinSeries)
    {
        if (withinSeries is null)
        {
            return (html.Length - html.Replace(marker, string.Empty, StringComparison.Ordinal).Length) / marker.Length;
        }

        var count = 0;
        foreach (var part in html.Split("data-name=\"" + withinSeries + "\"").Skip(1))
        {
            var group = part[..part.IndexOf("</g>", StringComparison.Ordinal)];
            count += (group.Length - group.Replace(marker, string.Empty, StringComparison.Ordinal).Length) / marker.Length;
        }

        return count;
    }

    private static SearchResults Summary(int evaluationsPerNfe, int[] nfes)
    {
        var noise = VpDiscreteSchedule.Linear();
        var created = new DateTimeOffset(2026, 12, 5, 0, 0, 0, TimeSpan.Zero);
        var perNfe = nfes.Select(nfe =>
        {
            var history = Enumerable.Range(0, evaluationsPerNfe).Select(i =>
            {
                var schedule = PresetCatalog.Create(i % 2 == 0 ? "unipc-bh2-3" : "dpm-solver++-2m", noise, nfe, i < 8 ? Spacing.TimeUniform : Spacing.LogSnrUniform);
                var record = new EvaluationRecord
                {
                    Key = "k" + nfe.ToString(CultureInfo.InvariantCulture) + "-" + i.ToString(CultureInfo.InvariantCulture),
                    ScheduleKey = "s" + i.ToString(CultureInfo.InvariantCulture),
                    ScheduleJson = string.Empty,
                    Nfe = nfe,
                    Metric = "teacher-rmse",
                    Score = 0.1 / (1 + (i * 0.01)),
                    Fidelity = 128,
                    Status = EvaluationStatus.Ok,
                    Duration = TimeSpan.FromMilliseconds(5),
                    Generation = i < 8 ? 0 : 1 + (i / 50),
                    Created = created,
                };
                return new ScoredEntry { Record = record, Schedule = schedule, HeldOut = record.Score * 1.1 };
            }).ToList();
            var ranked = history.OrderBy(e => e.Record.Score).ToList();
            return new NfeSummary
            {
                Nfe = nfe,
                Best = ranked[0],
                BestBaseline = ranked.First(e => e.IsBaseline),
                Top = ranked.Take(10).ToList(),
                History = history,
                Baselines = [.. ranked.Where(e => e.IsBaseline)],
            };
        }).ToList();
        return new SearchResults
        {
            Search = new SearchRecord
            {
                Name = "big",
                SpecJson = "{}",
                Status = SearchStatus.Finished,
                Created = created,
                Updated = created.AddHours(8),
                Heartbeat = created.AddHours(8),
                Owner = ProcessIdentity.Current,
                Evaluations = evaluationsPerNfe * nfes.Length,
                CacheHits = 0,
                Diverged = 0,
            },
            Metric = "teacher-rmse",
            DatabasePath = "db/big.db",
            PerNfe = perNfe,
            ComputeTime = TimeSpan.FromHours(7),
        };
    }
}
