using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Ems;
using ScheduleSearch.Models.Cards;

namespace ScheduleSearch.Models.Onnx;

/// <summary>
/// Everything a card provides to the executor: the primary network, its named variants (T-Stitch) and the data
/// statistics (teleport, mean-x0, variance matching). Owns and disposes the sessions.
/// </summary>
public sealed class LoadedModel : IDisposable
{
    private LoadedModel(ModelCard card, OnnxDenoiser primary, IReadOnlyDictionary<string, IDenoiser> variants, DataStatistics? statistics, EmsStatistics? ems)
    {
        Ems = ems;
        Card = card;
        Primary = primary;
        Variants = variants;
        Statistics = statistics;
    }

    /// <summary>The card.</summary>
    public ModelCard Card { get; }

    /// <summary>The primary network.</summary>
    public OnnxDenoiser Primary { get; }

    /// <summary>The card's variants by name (empty when it lists none).</summary>
    public IReadOnlyDictionary<string, IDenoiser> Variants { get; }

    /// <summary>The data statistics, or null when the card has none.</summary>
    public DataStatistics? Statistics { get; }

    /// <summary>The DPM-Solver-v3 empirical model statistics (card field "ems"), or null when the card has none.</summary>
    public EmsStatistics? Ems { get; }

    /// <summary>Opens the card at <paramref name="cardPath"/> with every variant and its statistics.</summary>
    public static LoadedModel Open(string cardPath, OnnxDenoiserOptions? options = null)
    {
        var card = ModelCardReader.Read(cardPath);
        var primary = OnnxDenoiser.Open(card, options);
        var variants = new Dictionary<string, IDenoiser>(StringComparer.Ordinal);
        try
        {
            foreach (var variant in card.Variants)
            {
                variants[variant.Name] = OnnxDenoiser.OpenVariant(card, variant.Name, options);
            }

            var statistics = card.StatisticsPath is { } path ? StatisticsFile.Read(path, card.SampleSize) : null;
            var ems = card.EmsPath is { } emsPath ? EmsFile.Read(emsPath, card.SampleSize) : null;
            return new LoadedModel(card, primary, variants, statistics, ems);
        }
        catch
        {
            primary.Dispose();
            foreach (var v in variants.Values)
            {
                ((OnnxDenoiser)v).Dispose();
            }

            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Primary.Dispose();
        foreach (var variant in Variants.Values)
        {
            ((OnnxDenoiser)variant).Dispose();
        }
    }
}
