using System.CommandLine;
using System.Globalization;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Models.Onnx;
using ScheduleSearch.Search.Specs;

namespace ScheduleSearch.Cli.Infrastructure;

/// <summary>
/// The <c>run</c> and <c>worker</c> options that change how fast candidates are evaluated, never what they score:
/// <c>--prefix-cache MIB</c>, <c>--lockstep N</c> and <c>--max-batch ROWS</c>.
/// </summary>
internal sealed class TuningOptions
{
    /// <summary><c>--prefix-cache MIB</c>: memory for the evaluator's sampler states shared between candidates (0: off).</summary>
    public Option<int> PrefixCache { get; } = AtLeast(
        "--prefix-cache",
        "Memory in MiB for the sampler states candidates share (a child resumes from its parent's first steps instead of re-running them); 0 turns sharing off. Scores are the same either way",
        "MIB",
        (int)(ScheduleEvaluatorOptions.DefaultPrefixCacheBytes / (1024 * 1024)),
        0,
        "0 (off) or a number of MiB");

    /// <summary><c>--lockstep N</c>: candidates advanced side by side with their model calls batched (0: one at a time).</summary>
    public Option<int> Lockstep { get; } = AtLeast(
        "--lockstep",
        "Advance up to N candidates side by side and run each round of their model calls as one call per network (rows at their own times). For a GPU, with --max-batch large enough to hold a round; on the CPU it is no faster (bench/BENCHMARKS.md). Scores are the same on the CPU (a GPU may change their last bits); 0 evaluates one candidate at a time",
        "N",
        0,
        0,
        "0 or more");

    /// <summary><c>--max-batch ROWS</c>: most rows of one ONNX run (a larger call is split).</summary>
    public Option<int> MaxBatch { get; } = AtLeast(
        "--max-batch",
        "Most rows (samples) in one run of the ONNX network; a larger call is split into runs of this many. Raise it with --lockstep on a GPU",
        "ROWS",
        new OnnxDenoiserOptions().MaxBatch,
        1,
        "at least 1");

    /// <summary>All three, to add to a command.</summary>
    public IEnumerable<Option> All => [PrefixCache, Lockstep, MaxBatch];

    /// <summary>The session settings of <paramref name="spec"/> (its guidance and feature network) with these options' values.</summary>
    public SessionSettings Settings(ParseResult parse, SearchSpec spec)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(spec);
        return new SessionSettings
        {
            Guidance = spec.Guidance,
            Features = spec.Features,
            PrefixCacheBytes = parse.GetValue(PrefixCache) * 1024L * 1024,
            LockstepCandidates = parse.GetValue(Lockstep),
            MaxBatch = parse.GetValue(MaxBatch),
        };
    }

    private static Option<int> AtLeast(string name, string description, string helpName, int fallback, int least, string expected)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => fallback, HelpName = helpName };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<int>();
            if (value < least)
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name}: must be {expected}, not {value}"));
            }
        });
        return option;
    }
}
