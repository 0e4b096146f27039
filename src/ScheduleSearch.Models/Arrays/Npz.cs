using System.IO.Compression;

namespace ScheduleSearch.Models.Arrays;

/// <summary>NumPy .npz archives: a zip of .npy files, one per named array (numpy.savez / savez_compressed).</summary>
public static class Npz
{
    /// <summary>Reads every array of the archive at <paramref name="path"/>, keyed by name without ".npy".</summary>
    public static IReadOnlyDictionary<string, NpyArray> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            using var archive = ZipFile.OpenRead(path);
            var arrays = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
            foreach (var entry in archive.Entries)
            {
                if (!entry.FullName.EndsWith(".npy", StringComparison.Ordinal))
                {
                    continue;
                }

                using var stream = entry.Open();
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                buffer.Position = 0;
                arrays[entry.FullName[..^4]] = Npy.Read(buffer, $"{path}:{entry.FullName}");
            }

            return arrays;
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith(path, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path}: not a .npz archive ({e.Message})", e);
        }
    }

    /// <summary>Writes <paramref name="arrays"/> as a compressed archive (float64 entries, names in order).</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, NpyArray>> arrays)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(arrays);
        using var file = File.Create(path);
        using var archive = new ZipArchive(file, ZipArchiveMode.Create);
        foreach (var (name, array) in arrays)
        {
            // A fixed timestamp keeps the archive byte-for-byte reproducible.
            var entry = archive.CreateEntry(name + ".npy", CompressionLevel.Optimal);
            entry.LastWriteTime = new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
            using var stream = entry.Open();
            Npy.Write(stream, array);
        }
    }
}
