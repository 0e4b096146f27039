using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScheduleSearch.Cli.Tests.Support;

namespace ScheduleSearch.Cli.Tests.InProcess;

/// <summary><c>report</c> on a small finished search, rendered in headless Chromium as a user's browser renders it.</summary>
public sealed class ReportCommandTests(TinySearch search) : IClassFixture<TinySearch>
{
    private static readonly string[] Sections = ["summary", "history", "front", "timesteps", "schedules", "exports"];

    [Fact]
    public void The_report_renders_every_section_with_its_data_and_makes_no_request_and_no_script_error()
    {
        var page = WriteReport();
        var shown = Show();
        using var browser = HeadlessChromium.Start();
        var url = new Uri(page).AbsoluteUri;
        browser.Open(url);

        Assert.Empty(browser.Errors);
        Assert.All(browser.Requests, r => Assert.True(r == url || r.StartsWith("data:", StringComparison.Ordinal), "the page requested " + r));
        foreach (var section in Sections)
        {
            Assert.True(browser.Evaluate($"document.getElementById('{section}') !== null")!.GetValue<bool>(), "no section " + section);
        }

        // Every evaluation at each NFE is one point of its history chart; every baseline one grey point of the front.
        foreach (var nfe in shown.GetProperty("per_nfe").EnumerateArray())
        {
            var n = nfe.GetProperty("nfe").GetInt32();
            var points = browser.Evaluate($"Array.from(document.querySelectorAll('#history-nfe{n} g.series')).filter(g => g.dataset.name !== 'best so far').reduce((s, g) => s + g.querySelectorAll('circle.point').length, 0)")!.GetValue<int>();
            Assert.Equal(nfe.GetProperty("evaluations").GetInt32(), points);

            // Coloured by what proposed each point, each with a legend entry: the baselines, then the default strategy's
            // phases as the search recorded them (the tiny budget ends in the first), never generation bands.
            var series = browser.Evaluate($"Array.from(document.querySelectorAll('#history-nfe{n} g.series')).map(g => g.dataset.name)")!.AsArray().Select(v => (string)v!).ToArray();
            Assert.Equal("baselines", series[0]);
            Assert.Equal("best so far", series[^1]);
            Assert.NotEmpty(series[1..^1]);
            Assert.All(series[1..^1], name => Assert.Contains(name, new[] { "joint-cma", "evolutionary" }));
            var legend = browser.Evaluate($"Array.from(document.querySelectorAll('#history-nfe{n} text.legend')).map(t => t.textContent)")!.AsArray().Select(v => (string)v!).ToArray();
            Assert.Equal(series, legend);
            Assert.True(browser.Evaluate($"document.querySelectorAll('#timesteps-nfe{n} circle.point').length")!.GetValue<int>() >= 5);
        }

        var baselines = browser.Evaluate("document.querySelector('#front-chart g.series[data-name^=\"every baseline\"]').querySelectorAll('circle.point').length")!.GetValue<int>();
        Assert.Equal(2 * 3 * 4, baselines);

        // The summary's numbers are show --json's, to the digit.
        var fields = browser.Evaluate("Array.from(document.querySelectorAll('#summary [data-field][data-value]')).map(e => [e.dataset.field, e.dataset.value])")!.AsArray();
        Assert.NotEmpty(fields);
        foreach (var field in fields)
        {
            var path = (string)field![0]!;
            Assert.Equal(Lookup(shown, path), double.Parse((string)field[1]!, CultureInfo.InvariantCulture));
        }

        Assert.Equal(shown.GetProperty("status").GetString(), (string?)browser.Evaluate("document.querySelector('#summary [data-field=status]').textContent"));
        Assert.Equal(4 * 2, browser.Evaluate("document.querySelectorAll('#exports .export').length")!.GetValue<int>());
    }

    [Fact]
    public void A_schedule_table_sorts_by_the_column_clicked()
    {
        var page = WriteReport();
        using var browser = HeadlessChromium.Start();
        browser.Open(new Uri(page).AbsoluteUri);
        const string Scores = "Array.from(document.querySelectorAll('#schedules table')[0].tBodies[0].rows).map(r => +r.cells[1].dataset.value)";
        var ascending = browser.Evaluate(Scores)!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        Assert.Equal(ascending.Order().ToArray(), ascending);
        browser.Evaluate("document.querySelectorAll('#schedules table')[0].tHead.rows[0].cells[1].click(); document.querySelectorAll('#schedules table')[0].tHead.rows[0].cells[1].click(); true");
        var clicked = browser.Evaluate(Scores)!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        Assert.Equal(ascending.OrderDescending().ToArray(), clicked);
        Assert.Empty(browser.Errors);
    }

    [Fact]
    public void Report_of_an_unknown_search_is_refused_naming_it()
    {
        var result = CliRun.Run("report", "no such search", "--db", search.DatabasePath, "--out", search.Folder.File("x.html"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no such search", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(search.Folder.File("x.html")));
    }

    private string WriteReport()
    {
        var file = search.Folder.File("tiny.report.html");
        var result = CliRun.Run("report", TinySearch.Name, "--db", search.DatabasePath, "--out", file);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("wrote " + file, result.Stdout, StringComparison.Ordinal);
        return file;
    }

    private JsonElement Show()
    {
        var shown = CliRun.Run("show", TinySearch.Name, "--db", search.DatabasePath, "--json");
        Assert.True(shown.ExitCode == 0, shown.ToString());
        return JsonDocument.Parse(shown.Stdout).RootElement.Clone();
    }

    /// <summary>The number at a dotted path ("per_nfe.0.best.heldout") of a JSON document.</summary>
    private static double Lookup(JsonElement root, string path)
    {
        var node = root;
        foreach (var part in path.Split('.'))
        {
            node = int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? node[index] : node.GetProperty(part);
        }

        return node.GetDouble();
    }
}
