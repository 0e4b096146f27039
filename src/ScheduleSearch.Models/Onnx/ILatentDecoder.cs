namespace ScheduleSearch.Models.Onnx;

/// <summary>
/// Turns a latent model's samples into the images they stand for (a card's VAE <c>decoder</c>,
/// <see cref="OnnxLatentDecoder"/>). Implementations are thread-safe; each latent's image depends on that latent alone
/// (a VAE decoder's rows do not interact), so the scorer may decode the teacher's samples apart from a candidate's.
/// </summary>
public interface ILatentDecoder
{
    /// <summary>Values per latent (the card's sample size).</summary>
    int LatentSize { get; }

    /// <summary>The shape of one decoded image, without the batch axis ([C, H, W] or [H, W]).</summary>
    IReadOnlyList<int> ImageShape { get; }

    /// <summary>Values per decoded image.</summary>
    int ImageSize { get; }

    /// <summary>Decodes <paramref name="count"/> latents (row-major) into <paramref name="images"/> (count x <see cref="ImageSize"/> values).</summary>
    void Decode(ReadOnlySpan<double> latents, int count, Span<double> images, CancellationToken cancellationToken = default);
}
