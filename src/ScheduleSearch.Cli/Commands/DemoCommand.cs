using System.CommandLine;
using System.Reflection;
using ScheduleSearch.Cli.Infrastructure;
using ScheduleSearch.Search.Specs;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Cli.Commands;

/// <summary>
/// <c>demo [--db PATH] [--folder DIR]</c>: the quickstart search on the built-in gmm-64 mixture, from an empty folder.
/// The model (its card, ONNX graph, data statistics and DPM-Solver-v3 statistics) and the quickstart spec ship inside the tool, so an installed
/// tool shows what it does without the repository: they are written under <c>DIR</c> (default
/// <c>schedule-search-demo</c>), the search runs as <c>run</c> would run it, and the show and report commands follow.
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
        var command = new Command("demo", "Run the quickstart search (NFE 5, 400 evaluations) on the built-in gmm-64 mixture, from an empty folder") { database, folder };
        CommandActions.Set(command, (parse, console, cancellationToken) =>
        {
            var target = parse.GetValue(folder)!;
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
                    writer.Write(local);
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
}
