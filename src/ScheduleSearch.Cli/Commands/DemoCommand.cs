using System.CommandLine;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScheduleSearch.Cli.Infrastructure;
using ScheduleSearch.Search.Specs;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Cli.Commands;

/// <summary>
/// <c>demo [--db PATH] [--folder DIR] [--evaluations N] [--samples N]</c>: the quickstart search on the built-in gmm-64
/// mixture, from an empty folder. The model (its card, ONNX graph, data statistics and DPM-Solver-v3 statistics) and the
/// quickstart spec ship inside the tool, so an installed tool shows what it does without the repository: they are
/// written under <c>DIR</c> (default <c>schedule-search-demo</c>), the search runs as <c>run</c> would run it, and the
/// show and report commands follow. <c>--evaluations</c> and <c>--samples</c> shrink the budget and the scoring and
/// held-out sample counts for a quick check of an install (the install test uses them); the spec written beside the
/// model is then the shrunk one, so <c>show</c> and <c>report</c> say what ran.
/// </summary>
public static class DemoCommand
{
    /// <summary>The files shipped in the assembly (resource name = path under the demo folder).</summary>
    private static readonly string[] Files = ["gmm-64/model.json", "gmm-64/model.onnx", "gmm-64/stats.npz", "gmm-64/ems.npz", SpecFile];

    private const string SpecFile = "quickstart.search.json";
    private const string RepositoryModel = "\"../models/gmm-64/model.json\"";

    /// <summary>Builds the command; what it opens comes from <paramref name="services"/>.</summary>
    public static Command Create(CliServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var database = CommonOptions.Database();
        var folder = new Option<string>("--folder")
        {
            Description = "Where the built-in model and spec are written",
            DefaultValueFactory = _ => "schedule-search-demo",
            HelpName = "DIR",
        };
        var evaluations = new Option<int?>("--evaluations")
        {
            Description = "A smaller budget than the quickstart's 400 evaluations, for a quick check of an install",
            HelpName = "N",
        };
        var samples = new Option<int?>("--samples")
        {
            Description = "Fewer scoring and held-out samples than the quickstart's 1024 each, for a quick check of an install",
            HelpName = "N",
        };
        var command = new Command("demo", "Run the quickstart search (NFE 5, 400 evaluations) on the built-in gmm-64 mixture, from an empty folder")
        {
            database, folder, evaluations, samples,
        };
        CommandActions.Set(command, (parse, console, cancellationToken) =>
        {
            var target = parse.GetValue(folder)!;
            var budget = parse.GetValue(evaluations);
            var count = parse.GetValue(samples);
            if (budget is < 1)
            {
                throw new BadInputException(string.Create(CultureInfo.InvariantCulture, $"--evaluations: {budget} is not a budget (at least 1 evaluation)"));
            }

            if (count is < 1)
            {
                throw new BadInputException(string.Create(CultureInfo.InvariantCulture, $"--samples: {count} is not a number of samples (at least 1)"));
            }

            Directory.CreateDirectory(Path.Combine(target, "gmm-64"));
            foreach (var file in Files)
            {
                using var resource = Assembly.GetExecutingAssembly().GetManifestResourceStream("demo/" + file)
                    ?? throw new InvalidOperationException($"the tool was built without its demo file '{file}'");
                using var output = File.Create(Path.Combine(target, file));
                if (file == SpecFile)
                {
                    // The repository's quickstart spec, with the model beside it instead of under ../models.
                    using var reader = new StreamReader(resource);
                    var text = reader.ReadToEnd();
                    var local = text.Replace(RepositoryModel, "\"gmm-64/model.json\"", StringComparison.Ordinal);
                    if (local == text)
                    {
                        throw new InvalidOperationException($"the built-in quickstart spec no longer names {RepositoryModel}");
                    }

                    using var writer = new StreamWriter(output);
                    writer.Write(budget is null && count is null ? local : Shrunk(local, budget, count));
                }
                else
                {
                    resource.CopyTo(output);
                }
            }

            var specPath = Path.Combine(target, SpecFile);
            console.Out.WriteLine($"wrote the built-in gmm-64 model and the quickstart spec into {target}/");
            var spec = SearchSpec.Load(specPath);
            var dbOption = parse.GetValue(database);
            var dbPath = dbOption ?? DatabaseLocator.ForSearch(spec.Name);
            return RunCommand.RunLocal(services, spec, specPath, dbPath, dbOption, ["cpu"], SessionSettings.Default, ScoreStoreOptions.Default, console, cancellationToken);
        });
        return command;
    }

    /// <summary>The quickstart spec with a smaller budget and sample counts (the rest as shipped).</summary>
    private static string Shrunk(string specJson, int? evaluations, int? samples)
    {
        var spec = JsonNode.Parse(specJson)!.AsObject();
        if (evaluations is { } budget)
        {
            spec["budget"]!["evaluations"] = budget;
        }

        if (samples is { } count)
        {
            spec["metric"]!["samples"] = count;
            spec["metric"]!["heldout"]!["samples"] = count;
        }

        return spec.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
