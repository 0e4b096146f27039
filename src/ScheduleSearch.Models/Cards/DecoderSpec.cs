namespace ScheduleSearch.Models.Cards;

/// <summary>
/// A model card's "decoder" block: the VAE decoder of a latent model, run on <c>latent / Scale + Shift</c>
/// (diffusers' <c>vae.decode(latents / scaling_factor + shift_factor)</c>) before metrics with "decode" and PNGs.
/// </summary>
/// <param name="Onnx">The decoder's ONNX file, relative to the card or absolute.</param>
/// <param name="Input">Its latent input, shape [B, ...sample_shape].</param>
/// <param name="Output">Its image output, shape [B, C, H, W] (or [B, H, W]).</param>
/// <param name="Scale">The VAE scaling factor (0.18215 for SD 1.x, 0.13025 for SDXL, 1.5305 for SD3).</param>
/// <param name="Shift">The VAE shift factor (0 for SD 1.x and SDXL, 0.0609 for SD3).</param>
public sealed record DecoderSpec(string Onnx, string Input, string Output, double Scale = 1.0, double Shift = 0.0);
