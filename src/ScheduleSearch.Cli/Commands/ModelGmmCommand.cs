using System.CommandLine;
using System.Globalization;
using ScheduleSearch.Cli.Infrastructure;
using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Models.Datasets;
using ScheduleSearch.Models.Gmm;

namespace ScheduleSearch.Cli.Commands;

/// <summary>
/// <c>model gmm (--params P.json | --fit-idx FILE | --fit-npy FILE) --out DIR [--schedule KIND]</c>: builds the exact
/// posterior-mean denoiser of a diagonal Gaussian mixture as an ONNX model with its card.
/// </summary>
public static class ModelGmmCommand
{
    private static readonly string[] ScheduleKinds = ["vp-discrete", "vp-linear", "edm", "flow"];

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var parameters = new Option<string?>("--params") { Description = "Mixture parameters: {\"weights\", \"means\", \"variances\"} (diagonal)", HelpName = "P.json" };
        var fitIdx = new Option<string?>("--fit-idx") { Description = "Fit the mixture by EM to an IDX image file (MNIST format, .gz allowed), pixels scaled to [-1, 1]", HelpName = "FILE" };
        var fitNpy = new Option<string?>("--fit-npy") { Description = "Fit the mixture by EM to the rows of a .npy array, used as they are", HelpName = "FILE" };
        var components = new Option<int>("--components") { Description = "Mixture components K when fitting", DefaultValueFactory = _ => 16, HelpName = "K" };
        var rows = new Option<int>("--max-rows") { Description = "Fit on at most this many rows (0 = all)", DefaultValueFactory = _ => 20000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the EM initialisation", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "The model folder to write (model.onnx, model.json, params.json)", HelpName = "DIR", Required = true };
        var schedule = new Option<string>("--schedule")
        {
            Description = "Noise schedule of the card: vp-discrete (linear betas 1e-4..0.02, 1000 steps), vp-linear, edm (alpha = 1, sigma = t in [0.002, 80]) or flow",
            DefaultValueFactory = _ => "vp-discrete",
            HelpName = "KIND",
        };
        schedule.AcceptOnlyFromAmong(ScheduleKinds);
        var name = new Option<string?>("--name") { Description = "The model's name in the card (default: the folder's name)" };
        var command = new Command("gmm", "Build an analytic Gaussian-mixture model (ONNX graph + model card)")
        {
            parameters, fitIdx, fitNpy, components, rows, seed, output, schedule, name,
        };
        CommandActions.Set(command, (parse, console, cancellationToken) =>
        {
            var sources = new[] { parse.GetValue(parameters), parse.GetValue(fitIdx), parse.GetValue(fitNpy) }.Count(s => s is not null);
            if (sources != 1)
            {
                throw new BadInputException("--params: give exactly one of --params, --fit-idx or --fit-npy");
            }

            GaussianMixture mixture;
            if (parse.GetValue(parameters) is { } paramsPath)
            {
                _ = InputFiles.ReadText(paramsPath, "--params");
                mixture = InputFiles.Parse("--params", () => GmmParametersJson.Read(paramsPath));
            }
            else
            {
                var k = parse.GetValue(components);
                if (k < 1)
                {
                    throw new BadInputException($"--components: must be at least 1, not {k}");
                }

                var (path, option, scale, shift) = parse.GetValue(fitIdx) is { } idx
                    ? (idx, "--fit-idx", 2.0 / 255.0, -1.0)
                    : (parse.GetValue(fitNpy)!, "--fit-npy", 1.0, 0.0);
                if (!File.Exists(path))
                {
                    throw new BadInputException($"{option}: file '{path}' does not exist");
                }

                var data = InputFiles.Parse(option, () => DatasetReader.Read(path, scale, shift));
                var fit = GmmFitter.Fit(data, new GmmFitOptions { Components = k, MaxRows = parse.GetValue(rows), Seed = parse.GetValue(seed) }, cancellationToken);
                console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"fitted {fit.Mixture.Components} components to {fit.Rows} rows of {fit.Mixture.Dimension} values in {fit.Iterations} EM iterations (mean log-likelihood {fit.MeanLogLikelihood:G6})"));
                mixture = fit.Mixture;
            }

            var folder = parse.GetValue(output)!;
            var card = GmmModelWriter.Write(mixture, folder, parse.GetValue(schedule)!, parse.GetValue(name));
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {Path.Combine(folder, GmmModelWriter.CardFile)} ({card.Name}: {mixture.Components} components, {mixture.Dimension} dims, schedule {card.Schedule.Kind})"));
            return ExitCodes.Success;
        });
        return command;
    }
}
