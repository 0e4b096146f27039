using ScheduleSearch.Core.Denoising;

namespace ScheduleSearch.Models.Cards;

/// <summary>A model card's "output" block: the output's name and what it predicts.</summary>
/// <param name="Name">Name of the ONNX output, shape [B, ...sample_shape].</param>
/// <param name="Parameterization">What the output predicts (epsilon, x0, v, flow, ve-denoiser).</param>
public sealed record ModelOutput(string Name, Parameterization Parameterization);
