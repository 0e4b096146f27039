using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using ScheduleSearch.Cli.Tests.Support;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Cli.Tests.InProcess;

/// <summary>
/// show, list, export and plot with <c>--storage postgresql://...</c> on a search copied from its LiteDB file
/// (db copy) print what they print for the file; wrong passwords and unreachable servers are one-line bad-input
/// errors that name the host, never the password, and write nothing.
/// </summary>
public sealed partial class PostgresStorageCommandTests : IClassFixture<TinySearch>, IDisposable
{
    private readonly TinySearch search;
    private readonly PostgresTestSchema schema = new();

    /// <summary>Copies the fixture's search into a fresh schema.</summary>
    public PostgresStorageCommandTests(TinySearch search)
    {
        this.search = search;
        var copy = Cli("db", "copy", "--from", "litedb:" + search.DatabasePath, "--to", schema.Url);
        Assert.True(copy.ExitCode == 0, copy.ToString());
    }

    [Fact]
    public void Show_on_the_shared_store_prints_what_it_prints_for_the_LiteDB_file()
    {
        var file = Cli("show", TinySearch.Name, "--db", search.DatabasePath, "--top", "3");
        var shared = Cli("show", TinySearch.Name, "--storage", schema.Url, "--top", "3");
        Assert.True(shared.ExitCode == 0, shared.ToString());
        Assert.Contains("database " + schema.Url, shared.Stdout, StringComparison.Ordinal);
        Assert.Contains("held-out", shared.Stdout, StringComparison.Ordinal);
        Assert.Equal(TextWithoutPlace(file.Stdout), TextWithoutPlace(shared.Stdout));

        var fileJson = Cli("show", TinySearch.Name, "--db", search.DatabasePath, "--json");
        var sharedJson = Cli("show", TinySearch.Name, "--storage", schema.Url, "--json");
        Assert.True(sharedJson.ExitCode == 0, sharedJson.ToString());
        Assert.Equal(JsonWithoutPlace(fileJson.Stdout), JsonWithoutPlace(sharedJson.Stdout));
    }

    [Fact]
    public void List_export_and_plot_on_the_shared_store_match_the_LiteDB_file()
    {
        var fileList = Cli("list", "--db", search.DatabasePath, "--json");
        var sharedList = Cli("list", "--storage", schema.Url, "--json");
        Assert.True(sharedList.ExitCode == 0, sharedList.ToString());
        Assert.Contains(schema.Url, sharedList.Stdout, StringComparison.Ordinal);
        Assert.Equal(JsonWithoutPlace(fileList.Stdout), JsonWithoutPlace(sharedList.Stdout));
        var table = Cli("list", "--storage", schema.Url);
        Assert.Contains("tiny toy  finished  120", table.Stdout, StringComparison.Ordinal);

        var fileExport = Cli("export", TinySearch.Name, "--db", search.DatabasePath, "--nfe", "4", "--top", "2");
        var sharedExport = Cli("export", TinySearch.Name, "--storage", schema.Url, "--nfe", "4", "--top", "2");
        Assert.True(sharedExport.ExitCode == 0, sharedExport.ToString());
        Assert.Equal(fileExport.Stdout, sharedExport.Stdout);

        using var plots = new TempDirectory();
        var filePlot = Cli("plot", TinySearch.Name, "--db", search.DatabasePath, "--out", plots.File("file"));
        var sharedPlot = Cli("plot", TinySearch.Name, "--storage", schema.Url, "--out", plots.File("shared"));
        Assert.True(sharedPlot.ExitCode == 0, sharedPlot.ToString());
        var names = Directory.GetFiles(plots.File("file")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(names);
        Assert.Equal(names, Directory.GetFiles(plots.File("shared")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var name in names)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(plots.File("file"), name!)), File.ReadAllBytes(Path.Combine(plots.File("shared"), name!)));
        }
    }

    [Fact]
    public void Show_names_the_shared_store_when_it_has_no_such_search_and_refuses_db_with_storage()
    {
        var unknown = Cli("show", "no such search", "--storage", schema.Url);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Equal($"error: SEARCH: no search named 'no such search' in {schema.Url}", Assert.Single(unknown.ErrorLines));
        var both = Cli("show", TinySearch.Name, "--db", search.DatabasePath, "--storage", schema.Url);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("--db and --storage", Assert.Single(both.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_is_a_one_line_bad_input_error_naming_the_host_and_writes_nothing()
    {
        // The password comes from the environment (PGPASSWORD), which is the process's: these run as processes, side
        // by side (each is refused at connection time, so they do not meet in the store).
        using var fresh = new PostgresTestSchema();
        var wrong = new Dictionary<string, string> { ["PGPASSWORD"] = "not-the-password" };
        string[][] commands =
        [
            ["run", search.SpecPath, "--storage", fresh.Url],
            ["worker", "--storage", schema.Url, "--search", TinySearch.Name],
            ["db", "copy", "--from", "litedb:search.db", "--to", schema.Url],
            ["show", TinySearch.Name, "--storage", schema.Url],
        ];
        var results = await Task.WhenAll(commands.Select(args => Task.Run(() => CliProcess.Run(search.Folder.Path, TimeSpan.FromMinutes(1), wrong, args))));
        foreach (var result in results)
        {
            Assert.True(result.ExitCode == 2, result.ToString());
            var line = Assert.Single(result.ErrorLines);
            Assert.StartsWith("error: postgresql://postgres@127.0.0.1:", line, StringComparison.Ordinal);
            Assert.Contains("wrong or missing password", line, StringComparison.Ordinal);
            Assert.DoesNotContain("not-the-password", result.Stdout + result.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain(PostgresTestSchema.Password!, result.Stdout + result.Stderr, StringComparison.Ordinal);
        }

        Assert.False(fresh.Exists());
        Assert.Equal(120L, schema.Scalar<long>("SELECT count(*) FROM history"));
        Assert.Equal(1L, schema.Scalar<long>("SELECT count(*) FROM searches"));
    }

    [Fact]
    public void An_unreachable_server_is_a_one_line_bad_input_error_naming_the_host()
    {
        var url = $"postgresql://postgres@127.0.0.1:{FreePort()}/postgres";
        var results = new[]
        {
            Cli("run", search.SpecPath, "--storage", url),
            Cli("worker", "--storage", url, "--search", TinySearch.Name),
            Cli("list", "--storage", url),
        };
        foreach (var result in results)
        {
            Assert.True(result.ExitCode == 2, result.ToString());
            var line = Assert.Single(result.ErrorLines);
            Assert.StartsWith($"error: {url}: cannot reach the server", line, StringComparison.Ordinal);
            Assert.DoesNotContain(PostgresTestSchema.Password!, result.Stdout + result.Stderr, StringComparison.Ordinal);
        }
    }

    /// <inheritdoc />
    public void Dispose() => schema.Dispose();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>show's text without the database location and the wall time (db copy stamps the copy's own times).</summary>
    private static string TextWithoutPlace(string text) => Database().Replace(WallTime().Replace(text, "wall time *,"), "database *");

    /// <summary>show/list JSON without the keys that name the store or the copy's times.</summary>
    private static string JsonWithoutPlace(string json) => PlaceKeys().Replace(json, string.Empty);

    private static CliResult Cli(params string[] args) => CliRun.Run(args);

    [GeneratedRegex(@"wall time [^,]+,")]
    private static partial Regex WallTime();

    [GeneratedRegex(@"database \S+$", RegexOptions.Multiline)]
    private static partial Regex Database();

    [GeneratedRegex(@"^\s*""(created|updated|wall_time_s|database)"": .*$\n?", RegexOptions.Multiline)]
    private static partial Regex PlaceKeys();
}
