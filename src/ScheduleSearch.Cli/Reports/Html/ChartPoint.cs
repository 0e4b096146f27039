namespace ScheduleSearch.Cli.Reports.Html;

/// <summary>One point of an <see cref="SvgChart"/>: its values and the details shown when the pointer rests on it.</summary>
internal sealed record ChartPoint(double X, double Y, string Details);
