using System.Globalization;
using ScheduleSearch.Cli.Infrastructure;
using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Formatting;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Export;
using ScheduleSearch.Models.Onnx;
using ScheduleSearch.Search.Results;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Cli.Commands;

/// <summary>
/// <c>export</c>'s scoring of its approximate formats: each export's target run (<see cref="TargetRun"/>: the tool's
/// presets on the export's sigmas, one per ComfyUI SplitSigmas segment, in the VE view the target works in, from the
/// state the schedule was scored from) is run by the tool on the search's held-out noise and scored against the same teacher as the exact schedule,
/// so the export says what it keeps of the schedule's gain, beside the exact score and the best baseline's.
/// </summary>
internal static class ExportTargetScores
{
    /// <summary>
    /// <paramref name="winners"/> with <see cref="ExportedSchedule.TargetScores"/> for the formats of
    /// <paramref name="exporters"/> that approximate; unchanged (with a warning) when the search's model is not on this
    /// machine or has changed since the search.
    /// </summary>
    public static ExportedSchedule[] Score(
        ExportedSchedule[] winners, SearchResults summary, NfeSummary atNfe, IScoreStore store, IReadOnlyList<IScheduleExporter> exporters, string device, CliServices services, CliOutput console, CancellationToken cancellationToken)
    {
        var formats = exporters.Where(e => e != ScheduleExporters.Json).ToList();
        if (formats.Count == 0)
        {
            return winners;
        }

        var spec = summary.Spec;
        var cardPath = summary.Model?.Path ?? spec?.ModelPath;
        if (spec is null || summary.Model is not { } recorded || cardPath is null || !File.Exists(cardPath))
        {
            console.Warn($"the approximate exports are not scored: the search's model card '{cardPath ?? "(not recorded)"}' is not on this machine");
            return winners;
        }

        // The teacher is read from the search's store under the model hash the search recorded; a card that hashes
        // differently now would be scored against another model's teacher.
        var settings = new SessionSettings { Guidance = spec.Guidance, Features = spec.Features };
        var (model, evaluator, features) = services.OpenScorer(cardPath, device, spec.Metric, console, store, recorded.ContentHash, settings);
        using var openModel = model;
        using var featureNetwork = features;
        if (ModelIdentity.WithGuidance(ModelIdentity.ContentHash(model.Card, cardPath), settings.Guidance) != recorded.ContentHash)
        {
            console.Warn($"the approximate exports are not scored: the model card '{cardPath}' or its files changed since the search, so its teacher would not be the search's");
            return winners;
        }

        var baseline = atNfe.BestBaseline is { HeldOut: { } b } best ? (best.Schedule.Name, (double?)b) : (null, null);
        var vp = model.Primary.Schedule is Core.Noise.VpDiscreteSchedule or Core.Noise.VpLinearSchedule ? model.Primary : null;
        return winners.Select(winner =>
        {
            var scores = formats.Select(format => format is IApproximateExporter approximate
                    ? ScoreOne(approximate, winner, vp, evaluator, cancellationToken)
                    : new TargetScore { Format = format.Name, Why = $"the tool does not run the {format.Name} export's target" })
                .Select(s => s with { BestBaseline = baseline.Item1, BestBaselineValue = baseline.Item2 })
                .ToList();
            foreach (var s in scores.Where(s => s.Value is not null))
            {
                var line = string.Create(CultureInfo.InvariantCulture, $"{s.Format} export of '{winner.Schedule.Name}' run as its target runs it: {Numbers.Score(s.Value)} ({winner.Metric}, held-out); the exact schedule {Numbers.Score(winner.HeldOutScore)}; the best baseline {baseline.Item1 ?? "-"} {Numbers.Score(baseline.Item2)}");
                if (s.NoBetterThanBaseline)
                {
                    console.Warn(line + ": no better than the best classic solver; run the json export exactly with the schedule_search package instead");
                }
                else
                {
                    // stderr, as the warning: stdout may be the export itself (no --out).
                    console.Error.WriteLine(line);
                }
            }

            return winner with { TargetScores = scores };
        }).ToArray();
    }

    private static TargetScore ScoreOne(IApproximateExporter exporter, ExportedSchedule winner, IDenoiser? vp, ScheduleEvaluator evaluator, CancellationToken cancellationToken)
    {
        var run = exporter.TargetRunOf(winner, out var why);
        if (run is null || vp is null)
        {
            return new TargetScore { Format = exporter.Name, Why = why ?? "the tool scores the VE view of variance-preserving models only" };
        }

        // The view reaches down to the run's lowest sigma: ComfyUI's uni_pc ends at 0.001 without a call there.
        var view = new VeViewDenoiser(vp, run.LowestSigma);
        var noise = evaluator.Noise(heldOut: true, cancellationToken);
        var x = new double[noise.Count * noise.SampleSize];
        view.InitialState(winner.Schedule.Timesteps[0], noise.Rows(0, noise.Count), x);
        try
        {
            run.Run(view, x, noise.Count, cancellationToken);
        }
        catch (ArgumentException e)
        {
            return new TargetScore { Format = exporter.Name, Run = run, Why = "the target's run is not a schedule the tool can run: " + e.Message };
        }
        catch (ScheduleFormatException e)
        {
            return new TargetScore { Format = exporter.Name, Run = run, Why = "the target's run failed in the tool: " + e.Message };
        }

        return new TargetScore { Format = exporter.Name, Run = run, Value = evaluator.ScoreSamples(x, heldOut: true, cancellationToken) };
    }
}
