using ScheduleSearch.Cli.Infrastructure;
using ScheduleSearch.Cli.Tests.Support;
using ScheduleSearch.Models.Arrays;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Cli.Tests.Infrastructure;

/// <summary>
/// The CLI's one composition seam: every command that opens a model, a store or a scoring session asks the
/// <see cref="CliServices"/> it was built with, so a test (or another host) can hand it something else.
/// </summary>
public sealed class CliServicesTests(TinySearch search) : IClassFixture<TinySearch>
{
    private const string Refusal = "the test's services open nothing here";

    [Fact]
    public void Show_export_plot_report_and_list_read_the_search_through_the_services()
    {
        using var dir = new TempDirectory();
        var asked = new List<string>();
        var services = CliServices.Default with
        {
            OpenSearch = (name, database, storage) =>
            {
                asked.Add(name);
                return CliServices.Default.OpenSearch(name, database, storage);
            },
            OpenForListing = (database, storage) =>
            {
                asked.Add("list");
                return CliServices.Default.OpenForListing(database, storage);
            },
        };

        string[][] commands =
        [
            ["show", TinySearch.Name, "--db", search.DatabasePath],
            ["export", TinySearch.Name, "--db", search.DatabasePath, "--nfe", "4", "--out", dir.File("best.json")],
            ["plot", TinySearch.Name, "--db", search.DatabasePath, "--out", dir.Path],
            ["report", TinySearch.Name, "--db", search.DatabasePath, "--out", dir.File("tiny.html"), "--samples", "0"],
            ["list", "--db", search.DatabasePath],
        ];
        foreach (var args in commands)
        {
            var result = CliRun.Run(services, args);
            Assert.True(result.ExitCode == 0, string.Join(' ', args) + ": " + result);
        }

        Assert.Equal([TinySearch.Name, TinySearch.Name, TinySearch.Name, TinySearch.Name, "list"], asked);
    }

    [Fact]
    public void Export_scores_its_approximate_formats_with_the_scorer_from_the_services_and_asks_for_none_without_target_scores()
    {
        using var dir = new TempDirectory();
        var services = CliServices.Default with { OpenScorer = (_, _, _, _, _, _, _) => throw new BadInputException(Refusal) };
        var args = new[] { "export", TinySearch.Name, "--db", search.DatabasePath, "--nfe", "4", "--format", "k-diffusion", "--out", dir.File("k.json") };

        var scored = CliRun.Run(services, args);
        var unscored = CliRun.Run(services, [.. args, "--no-target-scores"]);

        Assert.True(scored.ExitCode == ExitCodes.BadInput, scored.ToString());
        Assert.Contains(Refusal, scored.Stderr, StringComparison.Ordinal);
        Assert.True(unscored.ExitCode == 0, unscored.ToString());
        Assert.True(File.Exists(dir.File("k.json")));
    }

    [Fact]
    public void Run_evaluate_and_baselines_get_their_scoring_session_from_the_services_and_create_no_database_when_it_fails()
    {
        using var dir = new TempDirectory();
        var services = CliServices.Default with { OpenSession = (_, _, _, _, _, _, _) => throw new BadInputException(Refusal) };
        var spec = dir.Write("tiny.search.json", TinySearch.Spec("seam", 8));
        var schedule = Path.Combine(CliProcess.RepositoryRoot, "tests", "ScheduleSearch.Cli.Tests", "mixed-schedule.json");

        string[][] commands =
        [
            ["run", spec, "--db", dir.File("run.db")],
            ["evaluate", "--model", CliProcess.ToyCard, "--schedule", schedule, "--db", dir.File("evaluate.db")],
            ["baselines", "--model", CliProcess.ToyCard, "--nfe", "4", "--db", dir.File("baselines.db")],
        ];
        foreach (var args in commands)
        {
            var result = CliRun.Run(services, args);
            Assert.True(result.ExitCode == ExitCodes.BadInput, args[0] + ": " + result);
            Assert.Contains(Refusal, result.Stderr, StringComparison.Ordinal);
        }

        Assert.Empty(Directory.GetFiles(dir.Path, "*.db"));
    }

    [Fact]
    public void Db_copy_opens_its_source_read_only_and_its_target_as_a_writer_through_the_services()
    {
        using var dir = new TempDirectory();
        var asked = new List<(string Location, bool ReadOnly)>();
        var services = CliServices.Default with
        {
            OpenStore = (location, readOnly) =>
            {
                asked.Add((location, readOnly));
                return CliServices.Default.OpenStore(location, readOnly);
            },
        };
        var from = "litedb:" + search.DatabasePath;
        var to = "litedb:" + dir.File("copy.db");

        var result = CliRun.Run(services, "db", "copy", "--from", from, "--to", to);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal([(from, true), (to, false)], asked);
        Assert.Contains("copied 1 searches", result.Stderr + result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_opens_its_model_through_the_services()
    {
        using var dir = new TempDirectory();
        var services = CliServices.Default with { OpenModel = (_, _, _) => throw new BadInputException(Refusal) };
        var schedule = Path.Combine(CliProcess.RepositoryRoot, "tests", "ScheduleSearch.Cli.Tests", "mixed-schedule.json");
        var noise = dir.File("noise.npy");
        Npy.Write(noise, new NpyArray([1, 8], new double[8]));

        var result = CliRun.Run(services, "sample", "--model", CliProcess.ToyCard, "--schedule", schedule, "--noise", noise, "--out", dir.File("out.npy"));

        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
        Assert.Contains(Refusal, result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("out.npy")));
    }
}
