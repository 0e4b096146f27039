using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ScheduleSearch.Cli.Infrastructure;
using ScheduleSearch.Core.Formatting;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Export;

namespace ScheduleSearch.Cli.Commands;

/// <summary>
/// <c>evaluate --model CARD --schedule FILE [--metric ...] [--heldout] [--db PATH] [--json]</c>: scores one schedule,
/// from the cache when it was scored before, else by running it (and storing the score).
/// </summary>
public static class EvaluateCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var schedule = new Option<string>("--schedule") { Description = "The schedule file (schedule-search/schedule@1)", Required = true, HelpName = "FILE" };
        var heldOut = new Option<bool>("--heldout") { Description = "Score on the held-out noise set (seed + 1) instead of the scoring set" };
        var database = CommonOptions.EvaluationsDatabase();
        var json = CommonOptions.Json();
        var device = CommonOptions.Device();
        var metric = new MetricOptions();
        var command = new Command("evaluate", "Score one schedule on a model (uses and fills the score cache)") { model, schedule, heldOut, database, json, device };
        metric.AddTo(command);
        CommandActions.Set(command, (parse, console, cancellationToken) =>
        {
            var plan = InputFiles.ReadSchedule(parse.GetValue(schedule)!);
            var spec = metric.Read(parse);
            var settings = new SessionSettings { Guidance = metric.ReadGuidance(parse), Features = metric.ReadFeatures(parse, spec.Kind) };
            using var session = EvaluationSession.Open(parse.GetValue(model)!, parse.GetValue(device)!, spec, parse.GetValue(database) ?? DatabaseLocator.EvaluationsDefault, console, settings);
            ScheduleValidator.Validate(plan, session.Noise, parse.GetValue(schedule)!);
            var request = new EvaluationRequest { HeldOut = parse.GetValue(heldOut) };
            var result = session.Evaluator.Evaluate([plan], request, cancellationToken)[0];
            if (parse.GetValue(json))
            {
                console.Out.WriteLine(Json(result, session.Evaluator.Metric, request.HeldOut));
            }
            else
            {
                console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{plan.Name}: {session.Evaluator.Metric} {Numbers.Score(result.Score)} on {result.Fidelity} {(request.HeldOut ? "held-out" : "scoring")} samples (NFE {result.Nfe}, {Status(result)}, {result.Duration.TotalMilliseconds:0} ms{(result.CacheHit ? ", from the cache" : string.Empty)})"));
                if (result.DetailsJson is { } details)
                {
                    console.Out.WriteLine("details: " + details);
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The status word of a score.</summary>
    public static string Status(ScoredSchedule result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Status.ToString().ToLowerInvariant();
    }

    private static string Json(ScoredSchedule result, string metric, bool heldOut)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("name", result.Schedule.Name);
            w.WriteString("key", result.ScheduleKey);
            w.WriteNumber("nfe", result.Nfe);
            w.WriteString("metric", metric);
            w.WritePropertyName("score");
            if (double.IsFinite(result.Score))
            {
                w.WriteRawValue(PlainDecimal.Format(result.Score));
            }
            else
            {
                w.WriteNullValue();
            }

            w.WriteNumber("samples", result.Fidelity);
            w.WriteBoolean("heldout", heldOut);
            w.WriteString("status", Status(result));
            w.WriteBoolean("cache_hit", result.CacheHit);
            w.WritePropertyName("details");
            if (result.DetailsJson is { } details)
            {
                w.WriteRawValue(details);
            }
            else
            {
                w.WriteNullValue();
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
