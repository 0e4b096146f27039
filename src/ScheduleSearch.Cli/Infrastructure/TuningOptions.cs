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
    /// <summary><c>--prefix-cache MIB</c>.</summary>
    public Option<int> PrefixCache { get; } = CommonOptions.PrefixCache();

    /// <summary><c>--lockstep N</c>: candidates advanced side by side with their model calls batched (0: one at a time).</summary>
    public Option<int> Lockstep { get; } = Positive(
        "--lockstep",
        "Advance up to N candidates side by side and run each round of their model calls as one call per network (rows at their own times). For a GPU, with --max-batch large enough to hold a round; on the CPU it is slower (bench/BENCHMARKS.md). Scores are the same; 0 evaluates one candidate at a time",
        "N",
        0,
        allowZero: true);

    /// <summary><c>--max-batch ROWS</c>: most rows of one ONNX run (a larger call is split).</summary>
    public Option<int> MaxBatch { get; } = Positive(
        "--max-batch",
        "Most rows (samples) in one run of the ONNX network; a larger call is split into runs of this many. Raise it with --lockstep on a GPU",
        "ROWS",
        new OnnxDenoiserOptions().MaxBatch,
        allowZero: false);

    /// <summary>All three, to add to a command.</summary>
    public IEnumerable<Option> All => [PrefixCache, Lockstep, MaxBatch];

    /// <summary>The session settings of <paramref name="spec"/> with these options' values.</summary>
    public SessionSettings Settings(ParseResult parse, SearchSpec spec)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return SessionSettings.Of(spec, CommonOptions.PrefixCacheBytes(parse.GetValue(PrefixCache))) with
        {
            LockstepCandidates = parse.GetValue(Lockstep),
            MaxBatch = parse.GetValue(MaxBatch),
        };
    }

    private static Option<int> Positive(string name, string description, string helpName, int fallback, bool allowZero)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => fallback, HelpName = helpName };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<int>();
            if (value < 0 || (value == 0 && !allowZero))
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name}: must be {(allowZero ? "0 or more" : "at least 1")}, not {value}"));
            }
        });
        return option;
    }
}
