using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Export;
using ScheduleSearch.Models.Cards;

namespace ScheduleSearch.Cli.Infrastructure;

/// <summary>
/// The files a <c>schedule-search/schedule@1</c> file needs beside it for the Python package to run it without the
/// model card: the data statistics (mean, variance; <c>&lt;name&gt;.stats.npz</c>) for an analytical first step,
/// teleport or time shifts, and what v3 steps read of DPM-Solver-v3's empirical model statistics
/// (<c>&lt;name&gt;.ems.npz</c>, <see cref="EmsExcerptFile"/>).
/// Every command that writes a schedule file (<c>export --format json</c>, <c>schedule preset</c>) writes them here,
/// so the package's <c>Schedule.load</c> finds them by the names the file carries.
/// </summary>
internal static class ScheduleSideFiles
{
    /// <summary>
    /// Writes beside the schedule file at <paramref name="schedulePath"/> what <paramref name="schedules"/> read from
    /// <paramref name="card"/> (null when the card is unknown) and returns the file names to put in their
    /// <c>"statistics"</c> and <c>"ems"</c> fields (relative to the schedule file; null where none was written). Warns
    /// on <paramref name="console"/> when a schedule needs a file the card does not have.
    /// </summary>
    public static (string? StatisticsFile, string? EmsFile) Write(IReadOnlyList<SamplerSchedule> schedules, ModelCard? card, string schedulePath, CliOutput console)
    {
        ArgumentNullException.ThrowIfNull(schedules);
        ArgumentNullException.ThrowIfNull(console);
        var needsStatistics = schedules.Any(ExportedSchedule.NeedsStatistics);
        var needsEms = schedules.Any(ExportedSchedule.NeedsEms);
        if (!needsStatistics && !needsEms)
        {
            return (null, null);
        }

        var name = BaseName(schedulePath);
        var folder = Path.GetDirectoryName(Path.GetFullPath(schedulePath))!;
        var shown = Path.GetDirectoryName(schedulePath) ?? string.Empty;
        string? statisticsFile = null;
        string? emsFile = null;
        if (needsStatistics)
        {
            if (card?.StatisticsPath is not { } source || !File.Exists(source))
            {
                console.Warn("this schedule needs the data statistics, but the model card names no statistics file; pass them to the Python package yourself (statistics={'mean': ..., 'variance': ...})");
            }
            else
            {
                statisticsFile = name + ".stats.npz";
                Directory.CreateDirectory(folder);
                StatisticsFile.Write(Path.Combine(folder, statisticsFile), StatisticsFile.Read(source, card.SampleSize), fullCovariance: false);
                console.Out.WriteLine($"wrote {Path.Combine(shown, statisticsFile)} (the data statistics the schedule needs)");
            }
        }

        if (needsEms)
        {
            if (card?.EmsPath is not { } source || !File.Exists(source))
            {
                // Degenerated v3 steps on a card without statistics need only the default grid, which the package builds.
                if (schedules.Any(s => ExportedSchedule.NeedsEms(s) && !s.Options.EmsDegenerated))
                {
                    console.Warn("this schedule has dpm-solver-v3 steps, but the model card names no empirical model statistics (\"ems\"); the Python package cannot run them without that file");
                }
            }
            else
            {
                emsFile = name + ".ems.npz";
                Directory.CreateDirectory(folder);
                // Only what the schedules' v3 updates read (EmsExcerptFile), not the card's whole grid.
                EmsExcerptFile.Write(Path.Combine(folder, emsFile), EmsFile.Read(source, card.SampleSize), card.Schedule.Create(), schedules.Where(ExportedSchedule.NeedsEms), card.SampleShape);
                console.Out.WriteLine($"wrote {Path.Combine(shown, emsFile)} (the dpm-solver-v3 statistics the schedule's v3 steps read)");
            }
        }

        return (statisticsFile, emsFile);
    }

    /// <summary>
    /// For schedules printed or shown where no file can go beside them: one sentence naming what they read from side
    /// files and how to get those written (<paramref name="howToWrite"/>, e.g. "export it with --out FILE"); null when
    /// they read none. <c>export</c> and <c>schedule preset</c> warn with it, the report notes it.
    /// </summary>
    public static string? NotWritten(IEnumerable<SamplerSchedule> schedules, string howToWrite)
    {
        ArgumentNullException.ThrowIfNull(schedules);
        var list = schedules.ToList();
        var needs = new List<string>();
        if (list.Any(ExportedSchedule.NeedsStatistics))
        {
            needs.Add("the data statistics (its analytical first step, teleport or time_shift_window)");
        }

        if (list.Any(ExportedSchedule.NeedsEms))
        {
            needs.Add("the model's DPM-Solver-v3 statistics (its v3 steps)");
        }

        return needs.Count == 0
            ? null
            : $"this schedule reads {string.Join(" and ", needs)}, which the Python package takes from files beside the schedule file, not from this text: {howToWrite} to write them there";
    }

    /// <summary><c>best</c> for <c>best.schedule.json</c> or <c>best.json</c>: the stem the side files share.</summary>
    private static string BaseName(string schedulePath)
    {
        var name = Path.GetFileName(schedulePath);
        return name.EndsWith(".schedule.json", StringComparison.Ordinal) ? name[..^".schedule.json".Length]
            : name.EndsWith(".json", StringComparison.Ordinal) ? name[..^".json".Length] : name;
    }
}
