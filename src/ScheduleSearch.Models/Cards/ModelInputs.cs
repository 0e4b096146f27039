using ScheduleSearch.Core.Denoising;

namespace ScheduleSearch.Models.Cards;

/// <summary>A model card's "inputs" block: which ONNX inputs carry the sample, the time and the class label.</summary>
/// <param name="Sample">Name of the noisy-sample input, shape [B, ...sample_shape].</param>
/// <param name="Time">Name of the time input, shape [B] or a scalar.</param>
/// <param name="TimeConvention">What the time input holds.</param>
/// <param name="Class">Name of the class-label input (int64 [B]) of a class-conditional model, or null.</param>
/// <param name="TimeScale">continuous-t only: the network receives time_scale * t (e.g. 999 or 1000; optional field, default 1).</param>
public sealed record ModelInputs(string Sample, string Time, TimeConvention TimeConvention, string? Class = null, double TimeScale = 1.0)
{
    /// <summary>
    /// inputs.conditioning: ONNX input name -> .npy of [P, ...] (one row per prompt; relative to the card). Sample i
    /// uses row i mod P of every array (or the rows a spec's guidance.prompts lists). Empty for other models.
    /// </summary>
    public IReadOnlyDictionary<string, string> Conditioning { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Equal when every field and every conditioning entry is equal.</summary>
    public bool Equals(ModelInputs? other) =>
        other is not null && Sample == other.Sample && Time == other.Time && TimeConvention == other.TimeConvention && Class == other.Class
        && TimeScale.Equals(other.TimeScale) && Conditioning.Count == other.Conditioning.Count
        && Conditioning.All(kv => other.Conditioning.TryGetValue(kv.Key, out var v) && v == kv.Value);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Sample, Time, TimeConvention, Class, TimeScale, Conditioning.Count);
}
