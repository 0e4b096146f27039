using System.Globalization;
using System.Net;
using System.Text;

namespace ScheduleSearch.Cli.Reports.Html;

/// <summary>
/// A small hand-written SVG chart for the HTML report: scatter points with hover details (an SVG &lt;title&gt;, which
/// every browser shows as a tooltip without script), lines, a log or linear y axis and a legend. Every data point is
/// one <c>circle.point</c> carrying its values in <c>data-x</c> / <c>data-y</c> (round-trip decimals), so a test can
/// count and read them back. Hand-written rather than an embedded charting library: the page stays one small file
/// with no script needed to draw it (a 1500-evaluation search is a few hundred kB).
/// </summary>
internal sealed class SvgChart
{
    private const double Width = 900;
    private const double Height = 420;
    private const double Left = 78;
    private const double Right = 16;
    private const double Top = 36;
    private const double Bottom = 52;

    private readonly List<Series> series = [];

    /// <summary>Creates an empty chart.</summary>
    public SvgChart(string id, string xLabel, string yLabel, bool logY)
    {
        Id = id;
        XLabel = xLabel;
        YLabel = yLabel;
        LogY = logY;
    }

    /// <summary>The element id of the &lt;svg&gt;.</summary>
    public string Id { get; }

    /// <summary>The x axis title.</summary>
    public string XLabel { get; }

    /// <summary>The y axis title.</summary>
    public string YLabel { get; }

    /// <summary>True for a base-10 log y axis (scores span decades).</summary>
    public bool LogY { get; }

    /// <summary>Labels of integer y positions 1..n (a categorical y axis) instead of numeric ticks; null for numbers.</summary>
    public IReadOnlyList<string>? YCategories { get; init; }

    /// <summary>Integer x ticks only (NFE).</summary>
    public bool IntegerX { get; init; }

    /// <summary>Adds points (with hover text) and, when <paramref name="line"/> is set, a line through them in order.</summary>
    public void Add(string name, string color, IEnumerable<ChartPoint> points, LineStyle line = LineStyle.None, double radius = 3)
    {
        var kept = points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y) && (!LogY || p.Y > 0)).ToList();
        series.Add(new Series(name, color, kept, line, radius));
    }

    /// <summary>The SVG element.</summary>
    public string ToSvg()
    {
        var all = series.SelectMany(s => s.Points).ToList();
        var (x0, x1) = Range(all.Select(p => p.X), pad: IntegerX ? 0.5 : 0.02);
        var (y0, y1) = YCategories is { } cats ? (0.4, cats.Count + 0.6) : Range(all.Select(p => LogY ? Math.Log10(p.Y) : p.Y), pad: 0.06);
        double Px(double x) => Left + ((x - x0) / (x1 - x0) * (Width - Left - Right));
        double Py(double y) => Top + ((1 - ((LogY && YCategories is null ? Math.Log10(y) : y) - y0) / (y1 - y0)) * (Height - Top - Bottom));

        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg id=\"{Id}\" class=\"chart\" viewBox=\"0 0 {Width} {Height}\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\">"));
        svg.Append(Invariant($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{Width - Left - Right}\" height=\"{Height - Top - Bottom}\" class=\"frame\"/>"));
        AxisTicks(svg, x0, x1, y0, y1, Px);
        foreach (var s in series)
        {
            svg.Append(Invariant($"<g class=\"series\" data-name=\"{Escape(s.Name)}\" data-count=\"{s.Points.Count}\">"));
            if (s.Line != LineStyle.None && s.Points.Count > 1)
            {
                var path = string.Join(' ', s.Points.Select((p, i) => Invariant($"{(i == 0 ? 'M' : 'L')}{Px(p.X):F1},{Py(p.Y):F1}")));
                var dash = s.Line == LineStyle.Dashed ? " stroke-dasharray=\"6 4\"" : string.Empty;
                svg.Append(Invariant($"<path d=\"{path}\" fill=\"none\" stroke=\"{s.Color}\" stroke-width=\"2\"{dash}/>"));
            }

            foreach (var p in s.Points)
            {
                svg.Append(Invariant($"<circle class=\"point\" cx=\"{Px(p.X):F1}\" cy=\"{Py(p.Y):F1}\" r=\"{s.Radius}\" fill=\"{s.Color}\" data-x=\"{Round(p.X)}\" data-y=\"{Round(p.Y)}\"><title>{Escape(p.Details)}</title></circle>"));
            }

            svg.Append("</g>");
        }

        Legend(svg);
        svg.Append(Invariant($"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 10}\" class=\"axis-title\" text-anchor=\"middle\">{Escape(XLabel)}</text>"));
        svg.Append(Invariant($"<text transform=\"translate(16 {(Top + Height - Bottom) / 2}) rotate(-90)\" class=\"axis-title\" text-anchor=\"middle\">{Escape(YLabel)}</text>"));
        svg.Append("</svg>");
        return svg.ToString();
    }

    private void AxisTicks(StringBuilder svg, double x0, double x1, double y0, double y1, Func<double, double> px)
    {
        foreach (var x in IntegerX ? Enumerable.Range((int)Math.Ceiling(x0), (int)Math.Floor(x1) - (int)Math.Ceiling(x0) + 1).Select(i => (double)i) : NiceTicks(x0, x1))
        {
            svg.Append(Invariant($"<line x1=\"{px(x):F1}\" x2=\"{px(x):F1}\" y1=\"{Top}\" y2=\"{Height - Bottom}\" class=\"grid\"/>"));
            svg.Append(Invariant($"<text x=\"{px(x):F1}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\" class=\"tick\">{x.ToString("G4", CultureInfo.InvariantCulture)}</text>"));
        }

        double Py(double v) => Top + ((1 - ((v - y0) / (y1 - y0))) * (Height - Top - Bottom));
        if (YCategories is { } categories)
        {
            for (var i = 0; i < categories.Count; i++)
            {
                svg.Append(Invariant($"<text x=\"{Left - 6}\" y=\"{Py(i + 1) + 4:F1}\" text-anchor=\"end\" class=\"tick\">{Escape(categories[i])}</text>"));
            }

            return;
        }

        var ticks = LogY ? LogTicks(y0, y1) : NiceTicks(y0, y1).Select(v => (Position: v, Label: v.ToString("G4", CultureInfo.InvariantCulture)));
        foreach (var (position, label) in ticks)
        {
            svg.Append(Invariant($"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Py(position):F1}\" y2=\"{Py(position):F1}\" class=\"grid\"/>"));
            svg.Append(Invariant($"<text x=\"{Left - 6}\" y=\"{Py(position) + 4:F1}\" text-anchor=\"end\" class=\"tick\">{label}</text>"));
        }
    }

    private void Legend(StringBuilder svg)
    {
        var x = Left;
        var y = 4.0;
        foreach (var s in series.Where(s => s.Points.Count > 0))
        {
            var width = 28 + (s.Name.Length * 6.2);
            if (x + width > Width && x > Left)
            {
                // Wrap to a second line inside the top margin rather than run off the chart.
                (x, y) = (Left, y + 15);
            }

            svg.Append(Invariant($"<rect x=\"{x:F0}\" y=\"{y:F0}\" width=\"12\" height=\"12\" fill=\"{s.Color}\"/><text x=\"{x + 16:F0}\" y=\"{y + 10:F0}\" class=\"legend\">{Escape(s.Name)}</text>"));
            x += width;
        }
    }

    private static (double Low, double High) Range(IEnumerable<double> values, double pad)
    {
        var list = values.ToList();
        if (list.Count == 0)
        {
            return (0, 1);
        }

        var (low, high) = (list.Min(), list.Max());
        var span = high - low;
        if (span <= 0)
        {
            span = Math.Max(Math.Abs(low), 1.0) * 0.2;
        }

        return pad >= 0.5 ? (low - pad, high + pad) : (low - (span * pad), high + (span * pad));
    }

    private static IEnumerable<double> NiceTicks(double low, double high)
    {
        var raw = (high - low) / 6;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1.0, 2.0, 5.0, 10.0 }.Select(m => m * magnitude).First(s => s >= raw);
        for (var v = Math.Ceiling(low / step) * step; v <= high; v += step)
        {
            yield return (Math.Round(v / step) * step) + 0.0; // + 0.0 turns -0 into 0
        }
    }

    private static IEnumerable<(double Position, string Label)> LogTicks(double low, double high)
    {
        var mantissas = high - low > 3 ? new[] { 1.0 } : high - low > 1 ? [1.0, 3.0] : [1.0, 2.0, 5.0];
        for (var decade = Math.Floor(low); decade <= Math.Ceiling(high); decade++)
        {
            foreach (var m in mantissas)
            {
                var position = decade + Math.Log10(m);
                if (position >= low && position <= high)
                {
                    yield return (position, (m * Math.Pow(10, decade)).ToString("G3", CultureInfo.InvariantCulture));
                }
            }
        }
    }

    private static string Round(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Escape(string text) => WebUtility.HtmlEncode(text);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Series(string Name, string Color, IReadOnlyList<ChartPoint> Points, LineStyle Line, double Radius);
}
