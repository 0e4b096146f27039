using System.CommandLine;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Evaluation.Metrics;

namespace ScheduleSearch.Cli.Infrastructure;

/// <summary>The options that choose how <c>evaluate</c> and <c>baselines</c> score (a search spec's "metric" block).</summary>
public sealed class MetricOptions
{
    private readonly Option<string> kind = new("--metric")
    {
        Description = "teacher-rmse (default), teacher-relative, fd, kid or gmm-nll (GMM models)",
        DefaultValueFactory = _ => "teacher-rmse",
    };

    private readonly Option<int> samples = new("--samples") { Description = "Samples in the scoring noise set", DefaultValueFactory = _ => 1024, HelpName = "N" };

    private readonly Option<int> seed = new("--seed") { Description = "Seed of the scoring noise set", DefaultValueFactory = _ => 0 };

    private readonly Option<string> teacher = new("--teacher") { Description = "Teacher preset", DefaultValueFactory = _ => "dpm-solver++-3m" };

    private readonly Option<int> teacherNfe = new("--teacher-nfe") { Description = "Teacher NFE", DefaultValueFactory = _ => 500 };

    private readonly Option<string> teacherSpacing = new("--teacher-spacing") { Description = "Teacher spacing", DefaultValueFactory = _ => "logsnr-uniform" };

    /// <summary>Creates the options; call <see cref="AddTo"/>.</summary>
    public MetricOptions() => kind.AcceptOnlyFromAmong([.. MetricCatalog.Names]);

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var option in new Option[] { kind, samples, seed, teacher, teacherNfe, teacherSpacing })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The metric spec the options describe; throws a bad-input error naming a bad value.</summary>
    public MetricSpec Read(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var n = parse.GetValue(samples);
        if (n < 1)
        {
            throw new BadInputException($"--samples: must be at least 1, not {n}");
        }

        var nfe = parse.GetValue(teacherNfe);
        if (nfe < 1)
        {
            throw new BadInputException($"--teacher-nfe: must be at least 1, not {nfe}");
        }

        var preset = parse.GetValue(teacher)!;
        _ = InputFiles.Parse("--teacher", () => Core.Presets.PresetCatalog.Get(preset));
        var spacing = parse.GetValue(teacherSpacing)!;
        _ = InputFiles.Parse("--teacher-spacing", () => Core.Spacings.Spacing.Parse(spacing));
        return new MetricSpec
        {
            Kind = parse.GetValue(kind)!,
            Samples = n,
            Seed = parse.GetValue(seed),
            HeldOutSamples = n,
            HeldOutSeed = parse.GetValue(seed) + 1,
            Teacher = new TeacherSpec { Preset = preset, Nfe = nfe, Spacing = spacing },
        };
    }
}
