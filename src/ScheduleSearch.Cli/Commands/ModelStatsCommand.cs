using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using ScheduleSearch.Cli.Infrastructure;
using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Ems;
using ScheduleSearch.Models.Arrays;
using ScheduleSearch.Models.Cards;
using ScheduleSearch.Models.Datasets;
using ScheduleSearch.Models.Gmm;
using ScheduleSearch.Models.Onnx;

namespace ScheduleSearch.Cli.Commands;

/// <summary>
/// <c>model stats CARD --ems [--gmm P.json | --data FILE] [--samples N] [--grid K] [--out FILE]</c>: estimates
/// DPM-Solver-v3's empirical model statistics for a model, writes them beside the card and names them in it.
/// </summary>
public static class ModelStatsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var card = new Argument<string>("CARD") { Description = "The model card (model.json)" };
        var ems = new Option<bool>("--ems") { Description = "Estimate DPM-Solver-v3's empirical model statistics (l, s, b over lambda)" };
        var gmm = new Option<string?>("--gmm")
        {
            Description = "The card's model is this exact Gaussian mixture (its params.json): data drawn from it, exact Jacobian-vector products",
            HelpName = "P.json",
        };
        var data = new Option<string?>("--data")
        {
            Description = "Data samples for a network: .npy rows used as they are, or an IDX image file (pixels scaled to [-1, 1]); Jacobian-vector products by central differences",
            HelpName = "FILE",
        };
        var samples = new Option<int>("--samples") { Description = "Data samples (a multiple of --batch)", DefaultValueFactory = _ => 4096, HelpName = "N" };
        var batch = new Option<int>("--batch") { Description = "Samples per batch (the same batches at every grid point)", DefaultValueFactory = _ => 512, HelpName = "B" };
        var grid = new Option<int>("--grid") { Description = "Grid intervals in lambda", DefaultValueFactory = _ => EmsStatistics.DefaultIntervals, HelpName = "K" };
        var step = new Option<double>("--fd-step") { Description = "Central-difference step h (with --data)", DefaultValueFactory = _ => FiniteDifferenceTangent.DefaultStep, HelpName = "H" };
        var seed = new Option<int>("--seed") { Description = "Seed of the data draw (--gmm), noise and probes", DefaultValueFactory = _ => 0 };
        var tStart = new Option<double?>("--t-start") { Description = "Noisiest grid time (default: the model's t_max)", HelpName = "T" };
        var tEnd = new Option<double?>("--t-end") { Description = "Cleanest grid time (default: the model's t_min)", HelpName = "T" };
        var output = new Option<string?>("--out") { Description = "The statistics file, relative to the card (default: ems.npz beside it)", HelpName = "FILE" };
        var moments = new Option<bool>("--moments")
        {
            Description = "Also write the estimator's intermediate moments (t, l_d, f_mean, fd_mean, ff_mean, ffd_mean) for checking against the authors' script; the sampler reads only lambda, l, s and b",
        };
        var command = new Command("stats", "Estimate a model's statistics for DPM-Solver-v3 and name them in its card")
        {
            card, ems, gmm, data, samples, batch, grid, step, seed, tStart, tEnd, output, moments,
        };
        CommandActions.Set(command, (parse, console, cancellationToken) =>
        {
            if (!parse.GetValue(ems))
            {
                throw new BadInputException("--ems: the only statistics this command estimates are DPM-Solver-v3's; add --ems");
            }

            var cardPath = parse.GetValue(card)!;
            var modelCard = InputFiles.Parse("CARD", () => ModelCardReader.Read(cardPath));
            var (count, size, intervals) = (parse.GetValue(samples), parse.GetValue(batch), parse.GetValue(grid));
            if (size < 2 || count < size || count % size != 0)
            {
                throw new BadInputException($"--samples: {count} must be a positive multiple of --batch {size} (at least 2)");
            }

            if (intervals < 2)
            {
                throw new BadInputException($"--grid: needs at least 2 intervals, not {intervals}");
            }

            var options = new EmsEstimatorOptions
            {
                Intervals = intervals, BatchSize = size, Batches = count / size, TStart = parse.GetValue(tStart), TEnd = parse.GetValue(tEnd),
                MaxParallelism = Environment.ProcessorCount,
            };
            var noise = modelCard.Schedule.Create();
            var draws = new SeededEmsDraws(parse.GetValue(seed));
            var clock = Stopwatch.StartNew();
            EmsEstimate estimate;
            string method;
            if (parse.GetValue(gmm) is { } paramsPath)
            {
                if (parse.GetValue(data) is not null)
                {
                    throw new BadInputException("--data: give --gmm (an exact mixture) or --data (a network's data), not both");
                }

                _ = InputFiles.ReadText(paramsPath, "--gmm");
                var mixture = InputFiles.Parse("--gmm", () => GmmParametersJson.Read(paramsPath));
                if (mixture.Dimension != modelCard.SampleSize)
                {
                    throw new BadInputException($"--gmm: the mixture has {mixture.Dimension} dimensions; the card's samples have {modelCard.SampleSize}");
                }

                var rows = MixtureSamples.Draw(mixture, count, parse.GetValue(seed));
                estimate = EmsEstimator.Estimate(new GaussianMixtureTangent(mixture, noise), rows, options, draws, null, cancellationToken);
                method = "exact Jacobian-vector products of the mixture";
            }
            else if (parse.GetValue(data) is { } dataPath)
            {
                if (!File.Exists(dataPath))
                {
                    throw new BadInputException($"--data: file '{dataPath}' does not exist");
                }

                var isNpy = dataPath.EndsWith(".npy", StringComparison.OrdinalIgnoreCase);
                var array = InputFiles.Parse("--data", () => DatasetReader.Read(dataPath, isNpy ? 1.0 : 2.0 / 255.0, isNpy ? 0.0 : -1.0));
                if (array.RowSize != modelCard.SampleSize || array.Rows < count)
                {
                    throw new BadInputException($"--data: '{dataPath}' holds {array.Rows} rows of {array.RowSize} values; expected at least {count} rows of {modelCard.SampleSize}");
                }

                var h = parse.GetValue(step);
                using var loaded = LoadedModel.Open(cardPath);
                var tangent = InputFiles.Parse("--fd-step", () => new FiniteDifferenceTangent(loaded.Primary, h));
                estimate = EmsEstimator.Estimate(tangent, array.Data, options, draws, null, cancellationToken);
                method = string.Create(CultureInfo.InvariantCulture, $"central differences (h = {h:G3}) around the ONNX model");
            }
            else
            {
                throw new BadInputException("--gmm: give --gmm P.json (an exact mixture) or --data FILE (data samples for a network)");
            }

            var relative = parse.GetValue(output) ?? "ems.npz";
            var target = modelCard.Resolve(relative);
            var rowsShape = estimate.Statistics.Intervals + 1;
            int[] shape = [rowsShape, .. modelCard.SampleShape];
            EmsFile.Write(target, estimate.Statistics, modelCard.SampleShape, !parse.GetValue(moments) ? null :
            [
                new("t", new NpyArray([rowsShape], estimate.Times)),
                new("l_d", new NpyArray(shape, estimate.LDerivative)),
                new("f_mean", new NpyArray(shape, estimate.FMean)),
                new("fd_mean", new NpyArray(shape, estimate.FdMean)),
                new("ff_mean", new NpyArray(shape, estimate.FfMean)),
                new("ffd_mean", new NpyArray(shape, estimate.FfdMean)),
            ]);
            if (modelCard.Ems != relative)
            {
                ModelCardWriter.Write(modelCard with { Ems = relative }, Path.GetFullPath(cardPath));
            }

            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {target} ({intervals} lambda intervals, {count} samples in batches of {size}, {method}) in {clock.Elapsed.TotalSeconds:F1} s; card field \"ems\": \"{relative}\""));
            return ExitCodes.Success;
        });
        return command;
    }
}
