using System.Text.Json;
using ScheduleSearch.Core.Schedules;

namespace ScheduleSearch.Cli.Infrastructure;

/// <summary>Reads the files a command is given, turning every problem into a <see cref="BadInputException"/> naming the option and file.</summary>
public static class InputFiles
{
    /// <summary>The text of <paramref name="path"/>, or a bad-input error naming <paramref name="option"/>.</summary>
    public static string ReadText(string path, string option)
    {
        if (!File.Exists(path))
        {
            throw new BadInputException($"{option}: file '{path}' does not exist");
        }

        return File.ReadAllText(path);
    }

    /// <summary>Reads a schedule file (<c>schedule-search/schedule@1</c>).</summary>
    public static SamplerSchedule ReadSchedule(string path, string option = "--schedule") =>
        ScheduleJson.Read(ReadText(path, option), path);

    /// <summary>Reads a JSON array of numbers (a timesteps file).</summary>
    public static double[] ReadNumberArray(string path, string option)
    {
        var text = ReadText(path, option);
        try
        {
            var values = JsonSerializer.Deserialize<double[]>(text);
            return values ?? throw new BadInputException($"{option}: '{path}' holds null; expected a JSON array of numbers");
        }
        catch (JsonException e)
        {
            throw new BadInputException($"{option}: '{path}' is not a JSON array of numbers: {ErrorReporter.OneLine(e)}", e);
        }
    }

    /// <summary>Runs <paramref name="parse"/> and turns its <see cref="ArgumentException"/> into a bad-input error prefixed by <paramref name="option"/>.</summary>
    public static T Parse<T>(string option, Func<T> parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        try
        {
            return parse();
        }
        catch (ArgumentException e)
        {
            throw new BadInputException($"{option}: {StripParameter(e)}", e);
        }
    }

    /// <summary>An <see cref="ArgumentException"/>'s message without the " (Parameter 'x')" suffix .NET appends.</summary>
    public static string StripParameter(ArgumentException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var message = e.Message;
        var cut = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return cut >= 0 ? message[..cut] : message;
    }

    /// <summary>Creates the folder of <paramref name="path"/> when it has one.</summary>
    public static void EnsureFolder(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
    }
}
