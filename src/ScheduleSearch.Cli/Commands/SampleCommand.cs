using System.Collections.Immutable;
using System.CommandLine;
using System.Globalization;
using ScheduleSearch.Cli.Infrastructure;
using ScheduleSearch.Cli.Plots;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Solvers;
using ScheduleSearch.Models.Arrays;
using ScheduleSearch.Models.Onnx;
using ScheduleSearch.Search.Specs;

namespace ScheduleSearch.Cli.Commands;

/// <summary>
/// <c>sample --model CARD --schedule FILE --noise IN.npy --out OUT.npy [--png GRID.png] [--guidance W] [--prompts ROWS]</c>: runs one schedule on given
/// standard-normal noise. The start state is the noise for VP and flow models and sigma(t_T) * noise for VE/EDM
/// models (DPM-Solver's and k-diffusion's conventions).
/// </summary>
public static class SampleCommand
{
    /// <summary>Builds the command; what it opens comes from <paramref name="services"/>.</summary>
    public static Command Create(CliServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var model = CommonOptions.Model();
        var schedule = new Option<string>("--schedule") { Description = "The schedule file (schedule-search/schedule@1)", HelpName = "FILE", Required = true };
        var noise = new Option<string>("--noise") { Description = "Standard-normal draws, shape [B, ...sample_shape] (.npy, <f4 or <f8)", HelpName = "IN.npy", Required = true };
        var output = new Option<string>("--out") { Description = "The samples, same shape as the noise (.npy, <f8)", HelpName = "OUT.npy", Required = true };
        var png = new Option<string?>("--png") { Description = "Also write an image grid of the first 64 samples (image-shaped models, or latents through the card's decoder)", HelpName = "GRID.png" };
        var guidance = new Option<double?>("--guidance") { Description = "Classifier-free guidance scale w, uncond + w (cond - uncond), against the card's null class or negative prompt (default 1: the conditional model alone)", HelpName = "W" };
        var prompts = new Option<string?>("--prompts") { Description = "Prompt rows of a text-conditioned card cycled over the samples, e.g. 0,3,7 (default: sample i gets row i mod P)", HelpName = "ROWS" };
        var float32 = new Option<bool>("--float32") { Description = "Write <f4 instead of <f8" };
        var device = CommonOptions.Device();
        var command = new Command("sample", "Run one schedule on given noise and write the samples")
        {
            model, schedule, noise, output, png, guidance, prompts, float32, device,
        };
        CommandActions.Set(command, (parse, console, cancellationToken) =>
        {
            var plan = InputFiles.ReadSchedule(parse.GetValue(schedule)!);
            var noisePath = parse.GetValue(noise)!;
            if (!File.Exists(noisePath))
            {
                throw new BadInputException($"--noise: file '{noisePath}' does not exist");
            }

            var draws = InputFiles.Parse("--noise", () => Npy.Read(noisePath));
            var sampling = new SampleGuidance { Scale = parse.GetValue(guidance) ?? 1.0, Prompts = PromptRows(parse.GetValue(prompts)) };

            // Guided or prompt-listed sampling opens the card with its guidance checked (the services' opener takes none).
            using var loaded = sampling.IsDefault
                ? services.OpenModel(parse.GetValue(model)!, parse.GetValue(device)!, console)
                : ModelOpener.OpenGuided(parse.GetValue(model)!, parse.GetValue(device)!, console, sampling);
            var denoiser = loaded.Primary;
            using var decoder = parse.GetValue(png) is not null && denoiser.Card.Decoder is not null
                ? InputFiles.Parse("--png", () => OnnxLatentDecoder.Open(denoiser.Card, parse.GetValue(device)!))
                : null;
            var imageShape = ImageGrid.ImageShape(decoder?.ImageShape ?? denoiser.Card.SampleShape);
            if (parse.GetValue(png) is not null && imageShape is null)
            {
                throw new BadInputException($"--png: the model's sample shape [{string.Join(", ", denoiser.Card.SampleShape)}] is not an image");
            }

            if (draws.Shape.Length == 0 || draws.Data.Length % denoiser.SampleSize != 0 || draws.RowSize != denoiser.SampleSize)
            {
                throw new BadInputException($"--noise: shape [{string.Join(", ", draws.Shape)}] does not hold rows of the model's {denoiser.SampleSize} values");
            }

            ScheduleValidator.Validate(plan, denoiser.Schedule, parse.GetValue(schedule)!);
            var batch = draws.Rows;
            var x = new double[draws.Data.Length];
            Sampler.InitialState(denoiser.Schedule, plan.Timesteps[0], draws.Data, x);
            new Sampler(denoiser, loaded.Statistics, loaded.Variants, loaded.Ems).Run(plan, x, batch, null, cancellationToken);
            var outPath = parse.GetValue(output)!;
            InputFiles.EnsureFolder(outPath);
            Npy.Write(outPath, new NpyArray(draws.Shape, x), parse.GetValue(float32));
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {outPath} ({batch} samples, NFE {plan.Nfe}, {denoiser.Calls} model calls)"));
            if (parse.GetValue(png) is { } pngPath && imageShape is { } shape)
            {
                InputFiles.EnsureFolder(pngPath);
                // A latent model's samples are drawn as the images its decoder makes of them.
                var pixels = x;
                if (decoder is not null)
                {
                    pixels = new double[batch * decoder.ImageSize];
                    decoder.Decode(x, batch, pixels, cancellationToken);
                }

                ImageGrid.Write(pngPath, pixels, batch, shape);
                console.Out.WriteLine($"wrote {pngPath}");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>--prompts "0,3,7" as row numbers (empty when not given: rows cycle).</summary>
    private static ImmutableArray<int> PromptRows(string? text)
    {
        if (text is null)
        {
            return [];
        }

        var rows = text.Split(',', StringSplitOptions.TrimEntries);
        return [.. rows.Select(r => int.TryParse(r, NumberStyles.None, CultureInfo.InvariantCulture, out var row)
            ? row
            : throw new BadInputException($"--prompts: '{r}' is not a row number; expected non-negative integers separated by commas, e.g. 0,3,7"))];
    }
}
