using System.Text.RegularExpressions;
using ScheduleSearch.Models.Onnx;
using ScheduleSearch.Search.Specs;

namespace ScheduleSearch.Cli.Infrastructure;

/// <summary>Opens a model card's ONNX model for a command, reporting device fallbacks on stderr.</summary>
public static partial class ModelOpener
{
    /// <summary>True for cpu, auto and cuda:N.</summary>
    public static bool IsDevice(string? value) => value is not null && DevicePattern().IsMatch(value);

    /// <summary>Opens <paramref name="cardPath"/> on <paramref name="device"/>.</summary>
    public static OnnxDenoiser Open(string cardPath, string device, CliOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!File.Exists(cardPath))
        {
            throw new BadInputException($"--model: model card '{cardPath}' does not exist");
        }

        return OnnxDenoiser.Open(cardPath, new OnnxDenoiserOptions { Device = device, DeviceMessage = output.Warn });
    }

    /// <summary>Opens the card with its variants and data statistics (what teleport, mean-x0 and T-Stitch steps need).</summary>
    public static LoadedModel OpenWithVariants(string cardPath, string device, CliOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!File.Exists(cardPath))
        {
            throw new BadInputException($"--model: model card '{cardPath}' does not exist");
        }

        return LoadedModel.Open(cardPath, new OnnxDenoiserOptions { Device = device, DeviceMessage = output.Warn });
    }

    /// <summary>As <see cref="OpenWithVariants(string, string, CliOutput)"/>, sampling with <paramref name="guidance"/> (checked against the card).</summary>
    public static LoadedModel OpenGuided(string cardPath, string device, CliOutput output, SampleGuidance guidance)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!File.Exists(cardPath))
        {
            throw new BadInputException($"--model: model card '{cardPath}' does not exist");
        }

        var options = SamplingSetup.DenoiserOptions(cardPath, device, output, SessionSettings.Default with { Guidance = guidance });
        return InputFiles.Parse("--model", () => LoadedModel.Open(cardPath, options));
    }

    [GeneratedRegex("^(cpu|auto|cuda:[0-9]+)$")]
    private static partial Regex DevicePattern();
}
