using System.Security.Cryptography;
using ScheduleSearch.Cli.Infrastructure;
using ScheduleSearch.Cli.Tests.Support;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Cli.Tests.InProcess;

/// <summary>
/// Bad input: each case exits with code 2, writes exactly one line to stderr naming the problem, and leaves an
/// existing database byte for byte unchanged (and creates no default database).
/// </summary>
public sealed class BadInputTests(TinySearch search) : IClassFixture<TinySearch>
{
    [Fact]
    public void Run_with_a_missing_spec_file_is_bad_input()
    {
        var result = RunBad(dir => ["run", dir.File("nope.search.json")]);
        Assert.Contains("nope.search.json", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("does not exist", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_with_malformed_json_names_the_line_and_column()
    {
        var result = RunBad(dir => ["run", dir.Write("bad.search.json", "{\n  \"format\": \"schedule-search/search@1\",\n  \"name\": oops\n}")]);
        Assert.Contains("line 3", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("column", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_with_an_unknown_field_names_the_field()
    {
        var spec = TinySearch.Spec("bad unknown", 10, ",\n  \"budjet\": { \"evaluations\": 5 }");
        var result = RunBad(dir => ["run", dir.Write("bad.search.json", spec)]);
        Assert.Contains("budjet", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_with_a_card_pointing_to_a_missing_onnx_file_is_bad_input()
    {
        var result = RunBad(dir =>
        {
            var card = File.ReadAllText(CliProcess.ToyCard).Replace("\"model.onnx\"", "\"missing.onnx\"", StringComparison.Ordinal);
            var cardPath = dir.Write("model.json", card);
            var spec = TinySearch.Spec("bad card", 10).Replace(CliProcess.ToyCard.Replace("\\", "\\\\", StringComparison.Ordinal), cardPath.Replace("\\", "\\\\", StringComparison.Ordinal), StringComparison.Ordinal);
            return ["run", dir.Write("bad.search.json", spec)];
        });
        Assert.Contains("missing.onnx", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_with_nfe_0_is_bad_input()
    {
        var spec = TinySearch.Spec("bad nfe", 10).Replace("\"nfe\": [4, 6]", "\"nfe\": [0]", StringComparison.Ordinal);
        var result = RunBad(dir => ["run", dir.Write("bad.search.json", spec)]);
        Assert.Contains("nfe", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_with_an_unknown_device_in_devices_names_it()
    {
        var result = RunBad(dir => ["run", dir.Write("lanes.search.json", TinySearch.Spec("bad lanes", 10)), "--devices", "cpu,gpu0"]);
        Assert.Contains("--devices: unknown device 'gpu0'", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_with_both_device_and_devices_is_bad_input()
    {
        var result = RunBad(dir => ["run", dir.Write("lanes.search.json", TinySearch.Spec("bad lanes", 10)), "--device", "cpu", "--devices", "cpu,cpu"]);
        Assert.Contains("--device and --devices", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_with_a_negative_prefix_cache_names_the_option()
    {
        var result = RunBad(dir => ["run", dir.Write("cache.search.json", TinySearch.Spec("bad cache", 10)), "--prefix-cache", "-1"]);
        Assert.Contains("--prefix-cache: must be 0 (off) or a number of MiB, not -1", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--lockstep", "-2", "--lockstep: must be 0 or more, not -2")]
    [InlineData("--max-batch", "0", "--max-batch: must be at least 1, not 0")]
    public void Run_with_a_bad_lockstep_or_max_batch_names_the_option(string option, string value, string says)
    {
        var result = RunBad(dir => ["run", dir.Write("tuning.search.json", TinySearch.Spec("bad tuning", 10)), option, value]);
        Assert.Contains(says, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_with_a_negative_budget_is_bad_input()
    {
        var result = RunBad(dir => ["run", dir.Write("bad.search.json", TinySearch.Spec("bad budget", -5))]);
        Assert.Contains("budget", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_of_an_unknown_search_is_bad_input()
    {
        var result = RunBad(_ => ["export", "no such search", "--nfe", "4"]);
        Assert.Contains("no such search", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Show_and_plot_of_an_unknown_search_are_bad_input()
    {
        RunBad(_ => ["show", "no such search"]);
        RunBad(dir => ["plot", "no such search", "--out", dir.File("plots")]);
    }

    [Fact]
    public void Schedule_preset_with_nfe_0_or_an_unknown_preset_is_bad_input()
    {
        RunBad(_ => ["schedule", "preset", "ddim", "--model", CliProcess.ToyCard, "--nfe", "0"]);
        var unknown = RunBad(_ => ["schedule", "preset", "no-such-solver", "--model", CliProcess.ToyCard, "--nfe", "5"]);
        Assert.Contains("no-such-solver", unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_option_is_bad_input()
    {
        RunBad(_ => ["list", "--colour"]);
    }

    [Fact]
    public void Evaluate_with_a_malformed_schedule_is_bad_input()
    {
        var result = RunBad(dir => ["evaluate", "--model", CliProcess.ToyCard, "--schedule", dir.Write("s.json", "{ \"format\": \"schedule-search/schedule@1\", ")]);
        Assert.Contains("s.json", result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>The guidance and feature options of evaluate (a spec's guidance block and metric.features) name what is wrong.</summary>
    [Theory]
    [InlineData("--features:*features.onnx", "--features: features are compared by fd and kid only; the metric is \"teacher-rmse\"")]
    [InlineData("--metric:fd:--features-mean:*features_mean.npy", "--features-mean and --features-covariance: give the feature network")]
    [InlineData("--metric:fd:--features:*features.onnx:--features-mean:*features_mean.npy", "--features-covariance: is missing")]
    [InlineData("--metric:kid:--features:*features.onnx:--features-mean:*features_mean.npy:--features-covariance:*features_cov.npy", "--features-mean: fixed feature statistics are used by fd only")]
    [InlineData("--metric:fd:--features:*missing.onnx", "--features: file")]
    [InlineData("--classes:1,2", "--classes: give --guidance SCALE too")]
    [InlineData("--guidance:3:--classes:1,x", "--classes: 'x' in '1,x' is not a class label")]
    [InlineData("--guidance:-1", "--guidance: must be a finite scale of at least 0")]
    [InlineData("--guidance:2", "guidance: model card 'gmm-toy-8' has no guidance block")]
    public void Evaluate_with_bad_guidance_or_feature_options_names_them(string options, string message)
    {
        var classifier = Path.Combine(CliProcess.RepositoryRoot, "models", "fashion-classifier");
        var schedule = Path.Combine(CliProcess.RepositoryRoot, "tests", "ScheduleSearch.Cli.Tests", "mixed-schedule.json");
        var extra = options.Split(':').Select(o => o.StartsWith('*') ? Path.Combine(classifier, o[1..]) : o);
        var result = RunBad(_ => ["evaluate", "--model", CliProcess.ToyCard, "--schedule", schedule, .. extra]);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// Runs a bad command twice: with --db on a copy of a real search database (which must not change) where the
    /// command takes --db, and without it in a fresh folder (where no db/ may appear).
    /// </summary>
    [Theory]
    [InlineData("--evaluations", "0")]
    [InlineData("--samples", "-3")]
    public void Demo_with_a_budget_or_sample_count_below_one_names_the_option_and_writes_nothing(string option, string value)
    {
        using var dir = new TempDirectory();
        var folder = dir.File("demo");
        var result = RunBad(_ => ["demo", "--folder", folder, option, value]);
        Assert.Contains(option + ": " + value, result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder), "the demo wrote its files before refusing");
    }

    private CliResult RunBad(Func<TempDirectory, string[]> arguments)
    {
        using var dir = new TempDirectory();
        var args = arguments(dir);
        // Without --db a command would create db/ under the working folder, which in this process is the test's.
        var defaultFolder = Path.GetFullPath(DatabaseLocator.Folder);
        var plain = CliRun.Run(args);
        AssertBadInput(plain);
        Assert.False(Directory.Exists(defaultFolder), "bad input created a database folder");

        if (args[0] is "run" or "export" or "show" or "plot" or "evaluate")
        {
            var database = dir.File("copy.db");
            File.Copy(search.DatabasePath, database);
            var before = SHA256.HashData(File.ReadAllBytes(database));
            AssertBadInput(CliRun.Run([.. args, "--db", database]));
            Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(database)));
        }

        return plain;
    }

    private static void AssertBadInput(CliResult result)
    {
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.True(result.ErrorLines.Length == 1, "expected one line on stderr: " + result);
        Assert.StartsWith("error: ", result.ErrorLines[0], StringComparison.Ordinal);
    }
}
