using System.Security.Cryptography;
using System.Text;
using ScheduleSearch.Models.Cards;

namespace ScheduleSearch.Cli.Infrastructure;

/// <summary>
/// The content hash that names a model in every evaluation key: SHA-256 over the ONNX file's bytes and the card's
/// text, so editing either (another network, another schedule or time convention) starts a fresh cache.
/// </summary>
public static class ModelIdentity
{
    /// <summary>The lowercase hex hash of <paramref name="card"/> read from <paramref name="cardPath"/>.</summary>
    public static string ContentHash(ModelCard card, string cardPath)
    {
        ArgumentNullException.ThrowIfNull(card);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var onnx = File.OpenRead(card.OnnxPath))
        {
            var buffer = new byte[1 << 16];
            int read;
            while ((read = onnx.Read(buffer, 0, buffer.Length)) > 0)
            {
                sha.AppendData(buffer, 0, read);
            }
        }

        sha.AppendData(Encoding.UTF8.GetBytes("\n" + File.ReadAllText(cardPath).ReplaceLineEndings("\n")));
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
