using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace ScheduleSearch.Bench.Zoo;

/// <summary>
/// Writes 28x28 single-channel samples (values in [-1, 1] map to 0..255) as one grayscale PNG grid, each pixel drawn
/// as a zoom x zoom block.
/// </summary>
internal static class PngGrid
{
    private static readonly uint[] CrcTable = BuildCrcTable();

    public static void Write(string path, ReadOnlySpan<double> samples, int count, int columns, int zoom = 2, int side = 28, int gap = 4)
    {
        var cell = side * zoom;
        var rows = (count + columns - 1) / columns;
        var width = (columns * (cell + gap)) + gap;
        var height = (rows * (cell + gap)) + gap;
        var pixels = new byte[height * width];
        Array.Fill(pixels, (byte)128);
        for (var n = 0; n < count; n++)
        {
            var top = gap + ((n / columns) * (cell + gap));
            var left = gap + ((n % columns) * (cell + gap));
            for (var r = 0; r < cell; r++)
            {
                for (var c = 0; c < cell; c++)
                {
                    var v = samples[(n * side * side) + (r / zoom * side) + (c / zoom)];
                    pixels[((top + r) * width) + left + c] = (byte)Math.Clamp(Math.Round((v + 1.0) * 127.5), 0, 255);
                }
            }
        }

        using var raw = new MemoryStream();
        using (var z = new ZLibStream(raw, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            for (var r = 0; r < height; r++)
            {
                z.WriteByte(0);
                z.Write(pixels, r * width, width);
            }
        }

        using var file = File.Create(path);
        file.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 0; // grayscale
        WriteChunk(file, "IHDR", header);
        WriteChunk(file, "IDAT", raw.ToArray());
        WriteChunk(file, "IEND", []);
    }

    private static void WriteChunk(Stream stream, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        stream.Write(word);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        stream.Write(typeBytes);
        stream.Write(data);
        var crc = 0xFFFFFFFFu;
        foreach (var b in typeBytes.Concat(data))
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        BinaryPrimitives.WriteUInt32BigEndian(word, crc ^ 0xFFFFFFFFu);
        stream.Write(word);
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
