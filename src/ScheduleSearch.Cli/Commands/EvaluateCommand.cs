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
/// <c>evaluate --model CARD --schedule FILE [--metric ...] [--heldout | --noise FILE.npy] [--db PATH] [--json]</c>: scores
/// one schedule, from the cache when it was scored before, else by running it (and storing the score). With --noise it
/// scores on the user's own noise (the teacher run on it and cached under its content hash), so a figure can be
/// checked outside the tool with <c>sample --noise</c> and NumPy.
/// </summary>
public static class EvaluateCommand
{
    /// <summary>Builds the command; what it opens comes from <paramref name="services"/>.</summary>
    public static Command Create(CliServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var model = CommonOptions.Model();
        var schedule = new Option<string>("--schedule") { Description = "The schedule file (schedule-search/schedule@1)", Required = true, HelpName = "FILE" };
        var heldOut = new Option<bool>("--heldout") { Description = "Score on the held-out noise set (seed + 1) instead of the scoring set" };
        var noise = new Option<string?>("--noise")
        {
            Description = "Score on your own standard-normal draws instead of the scoring set, shape [B, ...sample shape] (.npy, <f8, <f4 or <f2; as sample --noise takes them): the teacher runs on them and is cached under their content hash",
            HelpName = "FILE.npy",
        };
        var database = CommonOptions.EvaluationsDatabase();
        var json = CommonOptions.Json();
        var device = CommonOptions.Device();
        var metric = new MetricOptions();
        var command = new Command("evaluate", "Score one schedule on a model (uses and fills the score cache)") { model, schedule, heldOut, noise, database, json, device };
        metric.AddTo(command);
        CommandActions.Set(command, (parse, console, cancellationToken) =>
        {
            var plan = InputFiles.ReadSchedule(parse.GetValue(schedule)!);
            var spec = metric.Read(parse);
            var given = parse.GetValue(noise) is { } noisePath ? NoiseFile.Read(noisePath) : null;
            if (given is not null && parse.GetValue(heldOut))
            {
                throw new BadInputException("--noise: scores on the given noise instead of the scoring set; --heldout scores on the held-out set: give one of them");
            }

            var settings = new SessionSettings { Guidance = metric.ReadGuidance(parse), Features = metric.ReadFeatures(parse, spec.Kind), ScoringNoise = given };
            using var session = services.OpenSession(parse.GetValue(model)!, parse.GetValue(device)!, spec, parse.GetValue(database) ?? DatabaseLocator.EvaluationsDefault, console, settings, null);
            ScheduleValidator.Validate(plan, session.Noise, parse.GetValue(schedule)!);
            var request = new EvaluationRequest { HeldOut = parse.GetValue(heldOut) };
            var result = session.Evaluator.Evaluate([plan], request, cancellationToken)[0];
            if (parse.GetValue(json))
            {
                console.Out.WriteLine(Json(result, session.Evaluator.Metric, request.HeldOut, given?.Path));
            }
            else
            {
                console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{plan.Name}: {session.Evaluator.Metric} {Numbers.Score(result.Score)} on {result.Fidelity} {(given is not null ? "samples of " + given.Path : request.HeldOut ? "held-out samples" : "scoring samples")} (NFE {result.Nfe}, {Status(result)}, {result.Duration.TotalMilliseconds:0} ms{(result.CacheHit ? ", from the cache" : string.Empty)})"));
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

    private static string Json(ScoredSchedule result, string metric, bool heldOut, string? noisePath)
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
            if (noisePath is not null)
            {
                w.WriteString("noise", noisePath);
            }

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
