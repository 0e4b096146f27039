using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Cli.Tests.Support;

/// <summary>
/// A small finished search on gmm-toy-8, run once per test class through the CLI in this process (about two seconds): its spec,
/// its database and the folder they live in.
/// </summary>
public sealed class TinySearch : IDisposable
{
    /// <summary>The search's name (with a space, as users write them).</summary>
    public const string Name = "tiny toy";

    /// <summary>Runs the search.</summary>
    public TinySearch()
    {
        Folder = new TempDirectory();
        SpecPath = Folder.Write("tiny.search.json", Spec(Name, 120));
        RunResult = CliRun.Run("run", SpecPath, "--db", DatabasePath);
        if (RunResult.ExitCode != 0)
        {
            throw new InvalidOperationException("the fixture search failed: " + RunResult);
        }
    }

    /// <summary>The folder holding the spec and the database.</summary>
    public TempDirectory Folder { get; }

    /// <summary>The spec file.</summary>
    public string SpecPath { get; }

    /// <summary>The database file.</summary>
    public string DatabasePath => Folder.File("search.db");

    /// <summary>What run printed.</summary>
    public CliResult RunResult { get; }

    /// <summary>
    /// A tiny spec on gmm-toy-8 (teacher 100 steps, 128 samples, NFE 4 and 6). It names <c>cma-evolutionary</c>, the
    /// default strategy until issue 20: the export tests' cases (an NFE-4 winner whose approximations do not beat UniPC,
    /// and one that beats DDIM alone) are this strategy's winners.
    /// </summary>
    public static string Spec(string name, int evaluations, string extra = "") => $$"""
        {
          "format": "schedule-search/search@1",
          "name": "{{name}}",
          "model": "{{CliProcess.ToyCard.Replace("\\", "\\\\", StringComparison.Ordinal)}}",
          "nfe": [4, 6],
          "metric": { "kind": "teacher-rmse", "samples": 128, "seed": 0, "heldout": { "samples": 128, "seed": 1 },
                      "teacher": { "preset": "dpm-solver++-3m", "nfe": 100, "spacing": "logsnr-uniform" } },
          "strategy": { "kind": "cma-evolutionary", "population": 8, "seed": 0 },
          "budget": { "evaluations": {{evaluations}} },
          "baselines": ["ddim", "dpm-solver++-2m", "unipc-bh2-3"]{{extra}}
        }
        """;

    /// <inheritdoc />
    public void Dispose() => Folder.Dispose();
}
