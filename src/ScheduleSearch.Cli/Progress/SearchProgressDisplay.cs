using System.Diagnostics;
using System.Globalization;
using ScheduleSearch.Cli.Infrastructure;
using ScheduleSearch.Search.Running;
using ScheduleSearch.Search.Specs;
using Spectre.Console;

namespace ScheduleSearch.Cli.Progress;

/// <summary>
/// Shows a running search: a Spectre.Console progress bar (evaluations, best per NFE vs baseline, evaluations per
/// minute, ETA) on a terminal, one timestamped line per generation otherwise.
/// </summary>
public static class SearchProgressDisplay
{
    /// <summary>Runs <paramref name="run"/> to its end or to cancellation, showing its progress.</summary>
    public static SearchResult Run(SearchRun run, SearchSpec spec, CliOutput output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(output);
        var clock = Stopwatch.StartNew();
        int? startEvaluations = null;
        if (!output.Interactive)
        {
            var lastKey = string.Empty;
            run.Progress += (_, p) =>
            {
                startEvaluations ??= p.Evaluations;
                var key = p.Phase + "/" + p.Generation.ToString(CultureInfo.InvariantCulture);
                if (key == lastKey)
                {
                    return;
                }

                lastKey = key;
                output.Log(Describe(p, clock.Elapsed, startEvaluations.Value));
            };
            return run.Run(cancellationToken);
        }

        SearchResult? result = null;
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape($"{spec.Name}: starting"), maxValue: spec.Budget.Evaluations);
                run.Progress += (_, p) =>
                {
                    startEvaluations ??= p.Evaluations;
                    task.Value = Math.Min(p.Evaluations, spec.Budget.Evaluations);
                    task.Description = Markup.Escape(Describe(p, clock.Elapsed, startEvaluations.Value));
                };
                result = run.Run(cancellationToken);
                task.Value = task.MaxValue;
            });
        return result!;
    }

    /// <summary>One line: phase, generation, evaluations, rate, ETA, best per NFE vs baseline.</summary>
    public static string Describe(SearchProgress progress, TimeSpan elapsed, int startEvaluations)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var done = progress.Evaluations - startEvaluations;
        var perMinute = elapsed.TotalMinutes > 0 ? done / elapsed.TotalMinutes : 0.0;
        var remaining = progress.Budget - progress.Evaluations;
        var eta = perMinute > 0 && remaining > 0 ? TimeSpan.FromMinutes(remaining / perMinute).ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : "-";
        var best = string.Join("  ", progress.Best.Select(b =>
            $"NFE {b.Nfe.ToString(CultureInfo.InvariantCulture)}: {Numbers.Score(b.Score)} vs {Numbers.Score(b.BaselineScore)} ({Numbers.Reduction(b.Score, b.BaselineScore)})"));
        return string.Create(CultureInfo.InvariantCulture,
            $"{progress.Phase} gen {progress.Generation} | {progress.Evaluations}/{progress.Budget} evals | {perMinute:0.#}/min | ETA {eta} | {best}");
    }
}
