using ScheduleSearch.Evaluation;
using ScheduleSearch.Evaluation.Metrics;
using ScheduleSearch.Models.Arrays;
using ScheduleSearch.Models.Cards;
using ScheduleSearch.Models.Onnx;
using ScheduleSearch.Search.Specs;

namespace ScheduleSearch.Cli.Infrastructure;

/// <summary>
/// Turns a spec's <c>guidance</c> block and <c>metric.features</c> into what the model and the evaluator are opened
/// with, checking them against the model card first (errors name the spec field).
/// </summary>
internal static class SamplingSetup
{
    /// <summary>
    /// The denoiser options for <paramref name="settings"/> (its guidance, after checking it fits the card at
    /// <paramref name="cardPath"/>, and the most rows of one run).
    /// </summary>
    public static OnnxDenoiserOptions DenoiserOptions(string cardPath, string device, CliOutput output, SessionSettings settings)
    {
        var guidance = settings.Guidance;
        var options = new OnnxDenoiserOptions { Device = device, DeviceMessage = output.Warn, MaxBatch = settings.MaxBatch };
        if (guidance.IsDefault)
        {
            return options;
        }

        var card = ModelCardReader.Read(cardPath);
        if (card.IsTextConditioned)
        {
            // Text-conditioned: prompt rows cycle over the samples; guidance runs against the card's negative prompt.
            if (!guidance.Classes.IsDefaultOrEmpty)
            {
                throw new BadInputException($"guidance.classes: model card '{card.Name}' is conditioned on prompt arrays, not class labels");
            }

            if (guidance.Scale != 1.0 && card.Negative is null)
            {
                throw new BadInputException($"guidance.scale: model card '{card.Name}' has no 'guidance.negative' arrays to guide against");
            }

            var prompts = PromptCount(card);
            for (var i = 0; i < guidance.Prompts.Length; i++)
            {
                if (guidance.Prompts[i] >= prompts)
                {
                    throw new BadInputException($"guidance.prompts[{i}]: row {guidance.Prompts[i]} is not below the {prompts} prompts of model card '{card.Name}' (rows of its conditioning arrays)");
                }
            }

            return options with { GuidanceScale = guidance.Scale, Prompts = guidance.Prompts.IsDefaultOrEmpty ? null : guidance.Prompts };
        }

        if (!guidance.Prompts.IsDefaultOrEmpty)
        {
            throw new BadInputException($"guidance.prompts: model card '{card.Name}' has no conditioning arrays (inputs.conditioning); prompt rows apply to text-conditioned models");
        }

        var classes = card.Guidance?.NumClasses
            ?? throw new BadInputException($"guidance: model card '{card.Name}' has no guidance block (class input, num_classes, null class); guidance needs a class-conditional model");
        for (var i = 0; i < guidance.Classes.Length; i++)
        {
            if (guidance.Classes[i] >= classes)
            {
                throw new BadInputException($"guidance.classes[{i}]: class {guidance.Classes[i]} is not below the card's num_classes {classes}");
            }
        }

        return options with { GuidanceScale = guidance.Scale, ClassLabels = guidance.Classes.IsDefaultOrEmpty ? null : guidance.Classes };
    }

    /// <summary>The rows of the card's conditioning arrays (the most of any), read from the .npy headers' first axis.</summary>
    private static int PromptCount(ModelCard card) =>
        card.Inputs.Conditioning.Values.Max(file => InputFiles.Parse($"inputs.conditioning '{file}'", () => Npy.Read(card.Resolve(file))).Rows);

    /// <summary>
    /// Opens the VAE decoder of <paramref name="card"/> into <paramref name="options"/> (a spec's
    /// <c>"metric": { "decode": true }</c>: every metric scores decoded images); the returned decoder belongs to the caller.
    /// </summary>
    public static OnnxLatentDecoder AddDecoder(ModelCard card, string device, ref ScheduleEvaluatorOptions options)
    {
        var decoder = InputFiles.Parse("metric.decode", () => OnnxLatentDecoder.Open(card, device));
        options = options with { Decoder = decoder };
        return decoder;
    }

    /// <summary>
    /// Opens the feature network and statistics of <paramref name="features"/> into <paramref name="options"/>; the
    /// returned network (null without features) belongs to the caller.
    /// </summary>
    public static OnnxFeatureExtractor? AddFeatures(FeatureFiles? features, string device, ref ScheduleEvaluatorOptions options)
    {
        if (features is null)
        {
            return null;
        }

        FeatureStatistics? statistics;
        try
        {
            statistics = features.Mean is { } mean ? FeatureStatistics.Load(mean, features.Covariance!) : null;
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException)
        {
            throw new BadInputException($"metric.features: {e.Message}", e);
        }

        var extractor = OnnxFeatureExtractor.Open(features.Onnx, device);
        options = options with { Features = extractor, ReferenceStatistics = statistics };
        return extractor;
    }
}
