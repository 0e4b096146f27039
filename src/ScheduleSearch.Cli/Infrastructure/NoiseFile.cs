using ScheduleSearch.Evaluation.NoiseSets;
using ScheduleSearch.Models.Arrays;

namespace ScheduleSearch.Cli.Infrastructure;

/// <summary>
/// The user's own noise for <c>evaluate --noise FILE.npy</c>: standard-normal draws of shape [B, ...sample shape],
/// floating point, as <c>sample --noise</c> takes them. Errors name the option, the file and what was expected.
/// </summary>
public sealed record NoiseFile
{
    /// <summary>The file as the user named it.</summary>
    public required string Path { get; init; }

    /// <summary>Its shape.</summary>
    public required IReadOnlyList<int> Shape { get; init; }

    /// <summary>Its values (row-major).</summary>
    public required double[] Values { get; init; }

    /// <summary>Reads <paramref name="path"/>; throws <see cref="BadInputException"/> for a missing file, an integer or unreadable dtype, a shape without a sample axis or non-finite values.</summary>
    public static NoiseFile Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new BadInputException($"--noise: file '{path}' does not exist");
        }

        NpyArray array;
        try
        {
            array = Npy.Read(path);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or OverflowException)
        {
            // Npy's messages name the file and the dtype or header it found.
            throw new BadInputException($"--noise: {e.Message}", e);
        }

        if (array.IsInteger)
        {
            throw new BadInputException($"--noise: {path} has dtype '{array.DType}'; noise must be floating-point standard-normal draws ('<f8', '<f4' or '<f2')");
        }

        if (array.Shape.Length < 2 || array.Shape[0] < 1)
        {
            throw new BadInputException($"--noise: {path} has shape [{string.Join(", ", array.Shape)}]; expected [samples, ...the model's sample shape] with at least one sample");
        }

        if (Array.FindIndex(array.Data, v => !double.IsFinite(v)) is var bad and >= 0)
        {
            throw new BadInputException($"--noise: {path} holds a non-finite value at flat index {bad}; noise must be finite standard-normal draws");
        }

        return new NoiseFile { Path = path, Shape = array.Shape, Values = array.Data };
    }

    /// <summary>The noise set for a model of <paramref name="sampleShape"/>; throws naming the file when the shapes differ.</summary>
    public NoiseSet For(IReadOnlyList<int> sampleShape)
    {
        ArgumentNullException.ThrowIfNull(sampleShape);
        var size = sampleShape.Aggregate(1, (a, b) => a * b);
        var rowSize = Shape.Skip(1).Aggregate(1, (a, b) => a * b);
        if (rowSize != size)
        {
            throw new BadInputException(
                $"--noise: {Path} has shape [{string.Join(", ", Shape)}]; the model's samples have shape [{string.Join(", ", sampleShape)}], so expected [samples, {string.Join(", ", sampleShape)}]");
        }

        return NoiseSet.FromValues(Values, Shape[0], size);
    }
}
