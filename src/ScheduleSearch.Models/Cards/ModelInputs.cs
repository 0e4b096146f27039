using ScheduleSearch.Core.Denoising;

namespace ScheduleSearch.Models.Cards;

/// <summary>A model card's "inputs" block: which ONNX inputs carry the sample, the time and the class label.</summary>
/// <param name="Sample">Name of the noisy-sample input, shape [B, ...sample_shape].</param>
/// <param name="Time">Name of the time input, shape [B] or a scalar.</param>
/// <param name="TimeConvention">What the time input holds.</param>
/// <param name="Class">Name of the class-label input (int64 [B]) of a class-conditional model, or null.</param>
/// <param name="TimeScale">continuous-t only: the network receives time_scale * t (e.g. 999 or 1000; optional field, default 1).</param>
public sealed record ModelInputs(string Sample, string Time, TimeConvention TimeConvention, string? Class = null, double TimeScale = 1.0);
