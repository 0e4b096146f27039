using System.Security.Cryptography;
using System.Text;
using ScheduleSearch.Models.Cards;
using ScheduleSearch.Search.Specs;

namespace ScheduleSearch.Cli.Infrastructure;

/// <summary>
/// The content hash that names a model in every evaluation key: SHA-256 over the ONNX file's bytes, the card's text,
/// the DPM-Solver-v3 statistics (ems) and every other file the card names (variants, conditioning and negative-prompt
/// arrays, decoder, statistics), so editing any of them (another network, prompt, decoder, re-estimated statistics)
/// starts a fresh cache.
/// </summary>
public static class ModelIdentity
{
    /// <summary>The lowercase hex hash of <paramref name="card"/> read from <paramref name="cardPath"/>.</summary>
    public static string ContentHash(ModelCard card, string cardPath)
    {
        ArgumentNullException.ThrowIfNull(card);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(sha, card.OnnxPath);
        sha.AppendData(Encoding.UTF8.GetBytes("\n" + File.ReadAllText(cardPath).ReplaceLineEndings("\n")));
        if (card.EmsPath is { } ems && File.Exists(ems))
        {
            // DPM-Solver-v3 steps read these statistics: re-estimating them must not reuse scores made with the old ones.
            sha.AppendData(Encoding.UTF8.GetBytes("\nems "));
            sha.AppendData(File.ReadAllBytes(ems));
        }

        // A card that names no other file keeps the hash it had before these files were hashed (old caches stay valid).
        foreach (var (path, index) in card.NamedFiles.Skip(1).Select((p, i) => (p, i)))
        {
            // A file the card names but lacks is refused where it is read; here its absence is part of the identity.
            sha.AppendData(Encoding.UTF8.GetBytes(File.Exists(path) ? $"\nfile {index}\n" : $"\nfile {index} absent"));
            if (File.Exists(path))
            {
                Append(sha, path);
            }
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>
    /// The identity of the model as a search samples it: <paramref name="contentHash"/> itself without guidance (so
    /// keys stored before guidance existed stay valid), else the SHA-256 of the hash and the guidance's canonical text.
    /// Evaluation keys and teacher references are named from it, so a search at guidance 3 never reuses guidance 1.
    /// </summary>
    public static string WithGuidance(string contentHash, SampleGuidance guidance)
    {
        ArgumentNullException.ThrowIfNull(contentHash);
        ArgumentNullException.ThrowIfNull(guidance);
        return guidance.IsDefault
            ? contentHash
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{contentHash}\nguidance {guidance.Canonical}")));
    }

    private static void Append(IncrementalHash sha, string path)
    {
        using var file = File.OpenRead(path);
        var buffer = new byte[1 << 16];
        int read;
        while ((read = file.Read(buffer, 0, buffer.Length)) > 0)
        {
            sha.AppendData(buffer, 0, read);
        }
    }
}
