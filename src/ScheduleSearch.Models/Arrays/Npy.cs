using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ScheduleSearch.Models.Arrays;

/// <summary>
/// Reads and writes NumPy .npy files (format 1.0/2.0/3.0, little-endian &lt;f4 or &lt;f8, C order, no pickles):
/// magic "\x93NUMPY", version, header length, an ASCII dict with descr/fortran_order/shape, then raw data.
/// </summary>
public static partial class Npy
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads a file; errors name the file and what was expected.</summary>
    public static NpyArray Read(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads from a stream; <paramref name="source"/> names it in errors.</summary>
    public static NpyArray Read(Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new BinaryReader(stream, Encoding.ASCII, leaveOpen: true);
        var magic = reader.ReadBytes(6);
        if (!magic.AsSpan().SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{source}: not a .npy file (missing the \\x93NUMPY magic)");
        }

        var major = reader.ReadByte();
        _ = reader.ReadByte();
        int headerLength = major switch
        {
            1 => reader.ReadUInt16(),
            2 or 3 => checked((int)reader.ReadUInt32()),
            _ => throw new InvalidDataException($"{source}: unsupported .npy format version {major}; expected 1, 2 or 3"),
        };
        var header = Encoding.ASCII.GetString(reader.ReadBytes(headerLength));
        var descr = DescrPattern().Match(header);
        var fortran = FortranPattern().Match(header);
        var shapeMatch = ShapePattern().Match(header);
        if (!descr.Success || !shapeMatch.Success || !fortran.Success)
        {
            throw new InvalidDataException($"{source}: malformed .npy header '{header.Trim()}'");
        }

        if (fortran.Groups[1].Value == "True")
        {
            throw new InvalidDataException($"{source}: Fortran-ordered arrays are not supported; save with C order");
        }

        var shape = shapeMatch.Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.Parse(s, CultureInfo.InvariantCulture))
            .ToArray();
        var count = shape.Aggregate(1L, (a, b) => a * b);
        var type = descr.Groups[1].Value;
        var elementSize = type switch
        {
            "<f8" or "<i8" => 8,
            "<f4" or "<i4" => 4,
            "<f2" => 2,
            _ => throw new InvalidDataException($"{source}: dtype '{type}' is not supported; expected little-endian '<f8', '<f4', '<f2', '<i8' or '<i4'"),
        };
        var bytes = reader.ReadBytes(checked((int)(count * elementSize)));
        if (bytes.Length != count * elementSize)
        {
            throw new InvalidDataException($"{source}: truncated: the header announces {count} values of {elementSize} bytes but only {bytes.Length} bytes follow");
        }

        var data = new double[count];
        for (var i = 0; i < count; i++)
        {
            var value = bytes.AsSpan(i * elementSize, elementSize);
            data[i] = type switch
            {
                "<f8" => BinaryPrimitives.ReadDoubleLittleEndian(value),
                "<f4" => BinaryPrimitives.ReadSingleLittleEndian(value),
                "<f2" => (double)BinaryPrimitives.ReadHalfLittleEndian(value),
                "<i8" => BinaryPrimitives.ReadInt64LittleEndian(value),
                _ => BinaryPrimitives.ReadInt32LittleEndian(value),
            };
        }

        return new NpyArray(shape, data) { DType = type };
    }

    /// <summary>Writes a float64 (or, with <paramref name="float32"/>, float32) array in format 1.0.</summary>
    public static void Write(string path, NpyArray array, bool float32 = false)
    {
        using var stream = File.Create(path);
        Write(stream, array, float32);
    }

    /// <summary>Writes to a stream in format 1.0.</summary>
    public static void Write(Stream stream, NpyArray array, bool float32 = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(array);
        var shape = array.Shape.Length == 1
            ? $"({array.Shape[0]},)"
            : "(" + string.Join(", ", array.Shape.Select(s => s.ToString(CultureInfo.InvariantCulture))) + ")";
        var dict = $"{{'descr': '{(float32 ? "<f4" : "<f8")}', 'fortran_order': False, 'shape': {shape}, }}";
        // Pad so that magic + version + length + header is a multiple of 64, ending in a newline.
        var total = 10 + dict.Length + 1;
        var padding = (64 - (total % 64)) % 64;
        var header = dict + new string(' ', padding) + "\n";
        stream.Write(Magic);
        stream.WriteByte(1);
        stream.WriteByte(0);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
        stream.Write(length);
        stream.Write(Encoding.ASCII.GetBytes(header));
        var buffer = new byte[array.Data.Length * (float32 ? 4 : 8)];
        for (var i = 0; i < array.Data.Length; i++)
        {
            if (float32)
            {
                BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(i * 4, 4), (float)array.Data[i]);
            }
            else
            {
                BinaryPrimitives.WriteDoubleLittleEndian(buffer.AsSpan(i * 8, 8), array.Data[i]);
            }
        }

        stream.Write(buffer);
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
