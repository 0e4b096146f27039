using System.Buffers.Binary;
using System.IO.Compression;
using ScheduleSearch.Models.Arrays;

namespace ScheduleSearch.Models.Datasets;

/// <summary>
/// Reads LeCun's IDX files (MNIST, Fashion-MNIST; plain or gzip-compressed, as Debian's dataset-fashion-mnist ships
/// them): magic 0x0000 TT NN (type TT, NN dimensions), NN big-endian int32 sizes, then the values in C order.
/// </summary>
public static class IdxReader
{
    /// <summary>Reads the file at <paramref name="path"/>; values keep their raw scale (0..255 for images).</summary>
    public static NpyArray Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var file = File.OpenRead(path);
        var gzip = file.ReadByte() == 0x1f && file.ReadByte() == 0x8b;
        file.Position = 0;
        using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var buffered = new BufferedStream(stream, 1 << 16);
        return Read(buffered, path);
    }

    /// <summary>Reads an uncompressed IDX stream; <paramref name="source"/> names it in errors.</summary>
    public static NpyArray Read(Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> magic = stackalloc byte[4];
        stream.ReadExactly(magic);
        if (magic[0] != 0 || magic[1] != 0)
        {
            throw new InvalidDataException($"{source}: not an IDX file (the magic number must start with two zero bytes)");
        }

        var type = magic[2];
        var rank = magic[3];
        var elementSize = type switch
        {
            0x08 or 0x09 => 1,
            0x0B => 2,
            0x0C or 0x0D => 4,
            0x0E => 8,
            _ => throw new InvalidDataException($"{source}: unknown IDX element type 0x{type:X2}"),
        };
        var shape = new int[rank];
        Span<byte> word = stackalloc byte[4];
        for (var i = 0; i < rank; i++)
        {
            stream.ReadExactly(word);
            shape[i] = BinaryPrimitives.ReadInt32BigEndian(word);
        }

        var count = shape.Aggregate(1L, (a, b) => a * b);
        var bytes = new byte[checked(count * elementSize)];
        try
        {
            stream.ReadExactly(bytes);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{source}: truncated: the header announces {count} values", e);
        }

        var data = new double[count];
        for (var i = 0; i < count; i++)
        {
            var span = bytes.AsSpan(i * elementSize, elementSize);
            data[i] = type switch
            {
                0x08 => span[0],
                0x09 => (sbyte)span[0],
                0x0B => BinaryPrimitives.ReadInt16BigEndian(span),
                0x0C => BinaryPrimitives.ReadInt32BigEndian(span),
                0x0D => BinaryPrimitives.ReadSingleBigEndian(span),
                _ => BinaryPrimitives.ReadDoubleBigEndian(span),
            };
        }

        return new NpyArray(shape, data);
    }
}
