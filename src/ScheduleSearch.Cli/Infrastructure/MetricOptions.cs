using System.Collections.Immutable;
using System.CommandLine;
using System.Globalization;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Evaluation.Metrics;
using ScheduleSearch.Search.Specs;

namespace ScheduleSearch.Cli.Infrastructure;

/// <summary>
/// The options that choose how <c>evaluate</c> and <c>baselines</c> score: a search spec's "metric" block, with its
/// <c>features</c>, and its <c>guidance</c> block.
/// </summary>
public sealed class MetricOptions
{
    private readonly Option<string> kind = new("--metric")
    {
        Description = "teacher-rmse (default: the root of the mean squared error against the teacher over all samples and values), teacher-mean-rmse (the mean over samples of each sample's RMSE, robust to a few samples in another mode), teacher-relative, fd, kid or gmm-nll (GMM models)",
        DefaultValueFactory = _ => "teacher-rmse",
    };

    private readonly Option<int> samples = new("--samples") { Description = "Samples in the scoring noise set", DefaultValueFactory = _ => 1024, HelpName = "N" };

    private readonly Option<int> seed = new("--seed") { Description = "Seed of the scoring noise set", DefaultValueFactory = _ => 0 };

    private readonly Option<string> teacher = new("--teacher") { Description = "Teacher preset", DefaultValueFactory = _ => "dpm-solver++-3m" };

    private readonly Option<int> teacherNfe = new("--teacher-nfe") { Description = "Teacher NFE", DefaultValueFactory = _ => 500 };

    private readonly Option<string> teacherSpacing = new("--teacher-spacing") { Description = "Teacher spacing", DefaultValueFactory = _ => "logsnr-uniform" };

    private readonly Option<double?> guidance = new("--guidance")
    {
        Description = "Classifier-free guidance scale for a class-conditional card (a spec's guidance.scale; sample i asks for class i mod num_classes unless --classes lists them)",
        HelpName = "SCALE",
    };

    private readonly Option<string?> classes = new("--classes") { Description = "Class labels the samples cycle over, comma-separated (a spec's guidance.classes; needs --guidance)", HelpName = "LIST" };

    private readonly Option<bool> decode = new("--decode")
    {
        Description = "Score the images the card's VAE decoder draws of the latents (a spec's metric.decode): teacher metrics compare decoded images value by value, fd and kid take features of them",
    };

    private readonly Option<string?> features = new("--features") { Description = "Feature network fd and kid compare samples in (a spec's metric.features.onnx)", HelpName = "ONNX" };

    private readonly Option<string?> featuresMean = new("--features-mean") { Description = "The data set's feature mean (.npy) fd measures against, with --features-covariance (default: the teacher's samples)", HelpName = "NPY" };

    private readonly Option<string?> featuresCovariance = new("--features-covariance") { Description = "The data set's feature covariance (.npy), with --features-mean", HelpName = "NPY" };

    /// <summary>Creates the options; call <see cref="AddTo"/>.</summary>
    public MetricOptions() => kind.AcceptOnlyFromAmong([.. MetricCatalog.Names]);

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var option in new Option[] { kind, samples, seed, teacher, teacherNfe, teacherSpacing, decode, guidance, classes, features, featuresMean, featuresCovariance })
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
        var metricKind = parse.GetValue(kind)!;
        var decodes = parse.GetValue(decode);
        if (decodes && MetricCatalog.DecodeProblem(metricKind) is { } problem)
        {
            throw new BadInputException($"--decode: {problem}");
        }

        return new MetricSpec
        {
            Kind = metricKind,
            Decode = decodes,
            Samples = n,
            Seed = parse.GetValue(seed),
            HeldOutSamples = n,
            HeldOutSeed = parse.GetValue(seed) + 1,
            Teacher = new TeacherSpec { Preset = preset, Nfe = nfe, Spacing = spacing },
        };
    }

    /// <summary>The guidance the options describe (<see cref="SampleGuidance.None"/> without <c>--guidance</c>).</summary>
    public SampleGuidance ReadGuidance(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var list = parse.GetValue(classes);
        if (parse.GetValue(guidance) is not { } scale)
        {
            return list is null ? SampleGuidance.None : throw new BadInputException("--classes: give --guidance SCALE too (the classes are what the guided samples ask for)");
        }

        if (!double.IsFinite(scale) || scale < 0)
        {
            throw new BadInputException(string.Create(CultureInfo.InvariantCulture, $"--guidance: must be a finite scale of at least 0 (1 = the conditional network alone), not {scale}"));
        }

        var labels = list?.Split(',', StringSplitOptions.TrimEntries).Select(text =>
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var label)
                ? label
                : throw new BadInputException($"--classes: '{text}' in '{list}' is not a class label (a whole number of at least 0)")).ToImmutableArray();
        return new SampleGuidance { Scale = scale, Classes = labels ?? [] };
    }

    /// <summary>The feature files the options describe for a metric of <paramref name="metricKind"/> (null without <c>--features</c>).</summary>
    public FeatureFiles? ReadFeatures(ParseResult parse, string metricKind)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var (onnx, mean, covariance) = (parse.GetValue(features), parse.GetValue(featuresMean), parse.GetValue(featuresCovariance));
        if (onnx is null)
        {
            return mean is null && covariance is null ? null : throw new BadInputException("--features-mean and --features-covariance: give the feature network with --features ONNX too");
        }

        if (FeatureFiles.Check(metricKind, mean is not null, covariance is not null) is { } problem)
        {
            throw new BadInputException($"{(problem.Part == "features" ? "--features" : "--features-" + problem.Part)}: {problem.Problem}");
        }

        return new FeatureFiles(Existing("--features", onnx), mean is null ? null : Existing("--features-mean", mean), covariance is null ? null : Existing("--features-covariance", covariance));
    }

    private static string Existing(string option, string path)
    {
        var full = Path.GetFullPath(path);
        return File.Exists(full) ? full : throw new BadInputException($"{option}: file '{full}' does not exist");
    }
}
