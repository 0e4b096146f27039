using System.CommandLine;
using ScheduleSearch.Cli.Infrastructure;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Spacings;
using ScheduleSearch.Models.Cards;

namespace ScheduleSearch.Cli.Commands;

/// <summary>
/// <c>schedule preset NAME --model CARD (--nfe N --spacing S | --timesteps T.json) --out FILE</c>: writes a classic
/// solver's schedule for a model, on a named spacing or on a given grid; with <c>--out</c>, the files the Python package
/// needs to run it (<see cref="ScheduleSideFiles"/>) beside it.
/// </summary>
public static class SchedulePresetCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var name = new Argument<string>("NAME") { Description = "The preset: " + string.Join(", ", PresetCatalog.Names) };
        var model = CommonOptions.Model();
        var nfe = new Option<int?>("--nfe") { Description = "Model evaluations the schedule spends (with --spacing)", HelpName = "N" };
        var spacing = new Option<string?>("--spacing") { Description = "time-uniform, time-quadratic, logsnr-uniform, karras, karras(rho) or flow-shift(s) for flow models (default: the preset's own)", HelpName = "S" };
        var timesteps = new Option<string?>("--timesteps")
        {
            Description = "A JSON array of the N+1 grid points in the model's time (t for VP and flow, sigma for EDM; the last may be 0), strictly descending",
            HelpName = "T.json",
        };
        var tStart = new Option<double?>("--t-start") { Description = "First time point with --nfe (default: the model's t_max)", HelpName = "T" };
        var tEnd = new Option<double?>("--t-end") { Description = "Last time point with --nfe (default: the model's t_min)", HelpName = "T" };
        var output = new Option<string?>("--out") { Description = "The schedule file to write (default: print it); a dpm-solver-v3 schedule gets what its steps read of the card's statistics beside it (<name>.ems.npz, named in its \"ems\" field) for the Python package", HelpName = "FILE" };
        var presetOptions = new Option<string?>("--options")
        {
            Description = "The preset's options as a JSON object; dpm-solver-v3 takes the authors' sample() flags "
                + "{\"order\": 3, \"p_pseudo\": false, \"use_corrector\": true, \"c_pseudo\": true, \"lower_order_final\": true, \"degenerated\": false, \"half\": false} (these are its defaults)",
            HelpName = "JSON",
        };
        var command = new Command("preset", "Write a classic solver's schedule (a preset) for a model")
        {
            name, model, nfe, spacing, timesteps, tStart, tEnd, output, presetOptions,
        };
        CommandActions.Set(command, (parse, console, cancellationToken) =>
        {
            var presetName = parse.GetValue(name)!;
            var preset = InputFiles.Parse("NAME", () => PresetCatalog.Get(presetName));
            var card = ModelCardReader.Read(parse.GetValue(model)!);
            var noise = card.Schedule.Create();
            DpmSolverV3Options? v3 = null;
            if (parse.GetValue(presetOptions) is { } optionsJson)
            {
                v3 = preset.NeedsEms
                    ? InputFiles.Parse("--options", () => DpmSolverV3Options.Parse(optionsJson))
                    : throw new BadInputException($"--options: preset {presetName} takes no options (only dpm-solver-v3 does)");
            }

            // dpm-solver-v3 snaps its timesteps to the grid of the card's statistics.
            var ems = preset.NeedsEms && card.EmsPath is { } emsPath ? InputFiles.Parse("--model", () => EmsFile.Read(emsPath, card.SampleSize)) : null;
            var gridFile = parse.GetValue(timesteps);
            var count = parse.GetValue(nfe);
            SamplerSchedule schedule;
            if (gridFile is not null)
            {
                if (count is not null || parse.GetValue(spacing) is not null)
                {
                    throw new BadInputException("--timesteps: give either --timesteps or --nfe with --spacing, not both");
                }

                var points = InputFiles.ReadNumberArray(gridFile, "--timesteps");
                schedule = InputFiles.Parse("--timesteps", () => PresetCatalog.Create(presetName, noise, points, ems, v3));
            }
            else
            {
                if (count is not { } n)
                {
                    throw new BadInputException("--nfe: required unless --timesteps is given");
                }

                if (n < 1)
                {
                    throw new BadInputException($"--nfe: must be at least 1, not {n}");
                }

                var s = parse.GetValue(spacing) is { } sName ? InputFiles.Parse("--spacing", () => Spacing.Parse(sName)) : null;
                schedule = InputFiles.Parse("--nfe", () => PresetCatalog.Create(presetName, noise, n, s, parse.GetValue(tStart), parse.GetValue(tEnd), ems, v3));
            }

            ScheduleValidator.Validate(schedule, noise, presetName);
            if (parse.GetValue(output) is { } path)
            {
                InputFiles.EnsureFolder(path);
                // dpm-solver-v3 reads the card's statistics: write them beside the file, as the json export does, so
                // the Python package runs it from the file alone.
                var (statisticsFile, emsFile) = ScheduleSideFiles.Write([schedule], card, path, console);
                schedule = schedule with { StatisticsFile = statisticsFile, EmsFile = emsFile };
                File.WriteAllText(path, ScheduleJson.Write(schedule));
                console.Out.WriteLine($"wrote {path} ({schedule.Name}, NFE {schedule.Nfe})");
            }
            else
            {
                if (ScheduleSideFiles.NotWritten([schedule], "write it with --out FILE") is { } missing)
                {
                    console.Warn(missing);
                }

                console.Out.WriteLine(ScheduleJson.Write(schedule));
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
