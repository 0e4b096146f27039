using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ScheduleSearch.Cli.Infrastructure;
using ScheduleSearch.Core.Formatting;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Spacings;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Export;

namespace ScheduleSearch.Cli.Commands;

/// <summary>
/// <c>baselines --model CARD --nfe LIST [--presets LIST] [--spacings LIST] [--json]</c>: scores every preset with each
/// spacing at those NFEs (combinations a preset cannot spend exactly are skipped), as a table or JSON.
/// </summary>
public static class BaselinesCommand
{
    /// <summary>Builds the command; what it opens comes from <paramref name="services"/>.</summary>
    public static Command Create(CliServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var model = CommonOptions.Model();
        var nfe = new Option<string>("--nfe") { Description = "NFEs, comma-separated (e.g. 4,5,6,8)", Required = true, HelpName = "LIST" };
        var presets = new Option<string?>("--presets") { Description = "Presets, comma-separated (default: all: " + string.Join(", ", PresetCatalog.Names) + ")", HelpName = "LIST" };
        var spacings = new Option<string?>("--spacings") { Description = "Spacings, comma-separated (default: time-uniform, time-quadratic, logsnr-uniform, karras, and a flow card's flow-shift(s) where its schedule has a shift)", HelpName = "LIST" };
        var database = CommonOptions.EvaluationsDatabase();
        var json = CommonOptions.Json();
        var device = CommonOptions.Device();
        var metric = new MetricOptions();
        var command = new Command("baselines", "Score every preset with each spacing at the given NFEs") { model, nfe, presets, spacings, database, json, device };
        metric.AddTo(command);
        CommandActions.Set(command, (parse, console, cancellationToken) =>
        {
            var nfes = Split(parse.GetValue(nfe)!).Select(v => int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 1
                ? n
                : throw new BadInputException($"--nfe: '{v}' is not an NFE (a whole number of at least 1)")).Distinct().Order().ToArray();
            if (nfes.Length == 0)
            {
                throw new BadInputException("--nfe: give at least one NFE");
            }

            var presetNames = parse.GetValue(presets) is { } p ? Split(p) : [.. PresetCatalog.Names];
            foreach (var name in presetNames)
            {
                _ = InputFiles.Parse("--presets", () => PresetCatalog.Get(name));
            }

            var spacingList = (parse.GetValue(spacings) is { } s ? Split(s) : Spacing.Named.Select(x => x.Name).ToArray())
                .Select(name => InputFiles.Parse("--spacings", () => Spacing.Parse(name))).ToArray();
            var spec = metric.Read(parse);
            var settings = new SessionSettings { Guidance = metric.ReadGuidance(parse), Features = metric.ReadFeatures(parse, spec.Kind) };
            using var session = services.OpenSession(parse.GetValue(model)!, parse.GetValue(device)!, spec, parse.GetValue(database) ?? DatabaseLocator.EvaluationsDefault, console, settings, null);
            if (parse.GetValue(spacings) is null && session.Model.Card.Schedule.OwnSpacing is { } own)
            {
                // The model's own default (SD3's shifted flow spacing) is a baseline beside the named spacings.
                spacingList = [.. spacingList, own];
            }
            var candidates = new List<SamplerSchedule>();
            foreach (var n in nfes)
            {
                foreach (var preset in presetNames)
                {
                    foreach (var spacing in spacingList)
                    {
                        try
                        {
                            var schedule = PresetCatalog.Create(preset, session.Noise, n, spacing);
                            if (schedule.Nfe == n && ScheduleValidator.Problems(schedule, session.Noise).Count == 0)
                            {
                                candidates.Add(schedule);
                            }
                        }
                        catch (ArgumentException)
                        {
                            // This preset cannot spend exactly n evaluations with this spacing: not a baseline there.
                        }
                    }
                }
            }

            if (!parse.GetValue(json))
            {
                console.Log(string.Create(CultureInfo.InvariantCulture, $"scoring {candidates.Count} baselines at NFE {string.Join(", ", nfes)} ({spec.Kind}, {spec.Samples} samples)"));
            }

            var results = session.Evaluator.Evaluate(candidates, new EvaluationRequest(), cancellationToken)
                .OrderBy(r => r.Nfe).ThenBy(r => r.Score).ToArray();
            if (parse.GetValue(json))
            {
                console.Out.WriteLine(Json(results, session.Evaluator.Metric));
                return ExitCodes.Success;
            }

            TableWriter.Write(console, $"baselines: {session.Evaluator.Metric} (lower is better), best first per NFE",
                ["NFE", "preset (spacing)", "score", "status", "steps"],
                results.Select(r => new[] { r.Nfe.ToString(CultureInfo.InvariantCulture), r.Schedule.Name, Numbers.Score(r.Score), EvaluateCommand.Status(r), Reports.StepCodes.Of(r.Schedule) }).ToList());
            return ExitCodes.Success;
        });
        return command;
    }

    private static string[] Split(string list) => list.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Json(IReadOnlyList<ScoredSchedule> results, string metric)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartArray();
            foreach (var r in results)
            {
                w.WriteStartObject();
                w.WriteNumber("nfe", r.Nfe);
                w.WriteString("name", r.Schedule.Name);
                w.WriteString("metric", metric);
                w.WritePropertyName("score");
                if (double.IsFinite(r.Score))
                {
                    w.WriteRawValue(PlainDecimal.Format(r.Score));
                }
                else
                {
                    w.WriteNullValue();
                }

                w.WriteString("status", EvaluateCommand.Status(r));
                w.WriteString("key", r.ScheduleKey);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
