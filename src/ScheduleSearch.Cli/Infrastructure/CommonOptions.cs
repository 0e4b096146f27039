using System.CommandLine;

namespace ScheduleSearch.Cli.Infrastructure;

/// <summary>Factories for options several commands share, so their names and help read the same everywhere.</summary>
public static class CommonOptions
{
    /// <summary>The devices <c>--device</c> accepts, as help text.</summary>
    public const string DeviceValues = "cpu, cuda:N or auto";

    /// <summary><c>--db PATH</c>: the search database.</summary>
    public static Option<string?> Database() => new("--db")
    {
        Description = "The database file (default: db/<search-name>.db under the current folder, the search name with characters other than letters, digits, '.', '_' and '-' replaced by '-')",
        HelpName = "PATH",
    };

    /// <summary><c>--device cpu|cuda:N|auto</c>.</summary>
    public static Option<string> Device()
    {
        var option = new Option<string>("--device")
        {
            Description = "Where the model runs: cpu, cuda:N (fails clearly without CUDA 13 and cuDNN 9) or auto (CUDA when usable, else CPU, and says so)",
            DefaultValueFactory = _ => "cpu",
            HelpName = "cpu|cuda:N|auto",
        };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!ModelOpener.IsDevice(value))
            {
                result.AddError($"--device: unknown device '{value}'; expected {DeviceValues}");
            }
        });
        return option;
    }

    /// <summary><c>--db PATH</c> of the commands that score outside a search: the shared score cache.</summary>
    public static Option<string?> EvaluationsDatabase() => new("--db") { Description = "The score cache (default: db/evaluations.db)", HelpName = "PATH" };

    /// <summary><c>--devices LIST</c>: one evaluation lane per device (comma-separated), in place of <c>--device</c>.</summary>
    public static Option<string?> Devices()
    {
        var option = new Option<string?>("--devices")
        {
            Description = "One evaluation lane per device, all fed by the same search, e.g. cuda:0,cuda:1 (each cpu, cuda:N or auto; a device may repeat). Replaces --device",
            HelpName = "LIST",
        };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string?>();
            if (value is null)
            {
                return;
            }

            var devices = value.Split(',', StringSplitOptions.TrimEntries);
            if (devices.FirstOrDefault(d => !ModelOpener.IsDevice(d)) is { } bad)
            {
                result.AddError($"--devices: unknown device '{bad}' in '{value}'; expected a comma-separated list of {DeviceValues}");
            }
        });
        return option;
    }

    /// <summary><c>--json</c>: print one JSON document instead of a table.</summary>
    public static Option<bool> Json() => new("--json") { Description = "Print one JSON document (stable keys, for scripts) instead of a table" };

    /// <summary><c>--model CARD</c> (required).</summary>
    public static Option<string> Model() => new("--model")
    {
        Description = "The model card (model.json next to the .onnx file)",
        HelpName = "CARD",
        Required = true,
    };
}
