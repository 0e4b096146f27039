namespace ScheduleSearch.Cli.Reports.Html;

/// <summary>How an <see cref="SvgChart"/> series joins its points.</summary>
internal enum LineStyle
{
    /// <summary>Points only.</summary>
    None,

    /// <summary>A solid line through the points in order.</summary>
    Solid,

    /// <summary>A dashed line through the points in order.</summary>
    Dashed,
}
