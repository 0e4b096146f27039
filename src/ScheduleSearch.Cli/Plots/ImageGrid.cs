using SkiaSharp;

namespace ScheduleSearch.Cli.Plots;

/// <summary>Writes samples of an image-shaped model as a grayscale or RGB PNG grid (values in [-1, 1] map to 0..255).</summary>
public static class ImageGrid
{
    /// <summary>
    /// The (channels, height, width) of a sample shape when it is an image: [C, H, W] with C in {1, 3}, [H, W], or
    /// a flat square size (784 = 28 x 28); null otherwise.
    /// </summary>
    public static (int Channels, int Height, int Width)? ImageShape(IReadOnlyList<int> sampleShape)
    {
        ArgumentNullException.ThrowIfNull(sampleShape);
        switch (sampleShape.Count)
        {
            case 3 when sampleShape[0] is 1 or 3:
                return (sampleShape[0], sampleShape[1], sampleShape[2]);
            case 2:
                return (1, sampleShape[0], sampleShape[1]);
            case 1 when sampleShape[0] >= 64:
                var side = (int)Math.Round(Math.Sqrt(sampleShape[0]));
                return side * side == sampleShape[0] ? (1, side, side) : null;
            default:
                return null;
        }
    }

    /// <summary>Writes up to 64 samples of <paramref name="samples"/> (batch x C*H*W) as a grid to <paramref name="path"/>.</summary>
    public static void Write(string path, double[] samples, int batch, (int Channels, int Height, int Width) shape, int scale = 3)
    {
        var png = Png(samples, batch, shape, scale);
        using var stream = File.Create(path);
        stream.Write(png);
    }

    /// <summary>Up to 64 samples of <paramref name="samples"/> (batch x C*H*W) as the bytes of a PNG grid.</summary>
    public static byte[] Png(double[] samples, int batch, (int Channels, int Height, int Width) shape, int scale = 3)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var (channels, height, width) = shape;
        var count = Math.Min(batch, 64);
        var columns = (int)Math.Ceiling(Math.Sqrt(count));
        var rows = (count + columns - 1) / columns;
        const int gap = 2;
        var cellW = (width * scale) + gap;
        var cellH = (height * scale) + gap;
        using var bitmap = new SKBitmap((columns * cellW) + gap, (rows * cellH) + gap);
        bitmap.Erase(SKColors.White);
        var size = channels * height * width;
        for (var n = 0; n < count; n++)
        {
            var left = gap + (n % columns * cellW);
            var top = gap + (n / columns * cellH);
            for (var y = 0; y < height * scale; y++)
            {
                for (var x = 0; x < width * scale; x++)
                {
                    var pixel = (y / scale * width) + (x / scale);
                    var r = Byte(samples[(n * size) + pixel]);
                    var color = channels == 3
                        ? new SKColor(r, Byte(samples[(n * size) + (height * width) + pixel]), Byte(samples[(n * size) + (2 * height * width) + pixel]))
                        : new SKColor(r, r, r);
                    bitmap.SetPixel(left + x, top + y, color);
                }
            }
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static byte Byte(double value) => (byte)Math.Clamp(Math.Round((value + 1.0) * 127.5), 0, 255);
}
