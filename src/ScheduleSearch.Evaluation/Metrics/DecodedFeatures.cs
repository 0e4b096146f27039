using ScheduleSearch.Models.Onnx;

namespace ScheduleSearch.Evaluation.Metrics;

/// <summary>
/// Features of decoded images (a spec's <c>"metric": { "decode": true }</c>): latents go through the model's VAE
/// decoder, then through <see cref="Inner"/> (a feature network, or the images themselves). Keeps the inner
/// extractor's <see cref="Name"/>: the metric's canonical form records the decoding and the model's identity the
/// decoder file, so keys already tell decoded scores apart. Owns the decoder and the inner extractor.
/// </summary>
public sealed class DecodedFeatures : IFeatureExtractor, IDisposable
{
    private readonly OnnxLatentDecoder decoder;

    /// <summary>Features of <paramref name="inner"/> taken on the images <paramref name="decoder"/> draws.</summary>
    public DecodedFeatures(OnnxLatentDecoder decoder, IFeatureExtractor inner)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(inner);
        this.decoder = decoder;
        Inner = inner;
    }

    /// <summary>The extractor the decoded images go through.</summary>
    public IFeatureExtractor Inner { get; }

    /// <inheritdoc />
    public string Name => Inner.Name;

    /// <inheritdoc />
    public int FeatureSize(int sampleSize)
    {
        if (sampleSize != decoder.LatentSize)
        {
            throw new ArgumentException($"the decoder takes latents of {decoder.LatentSize} values; the model's samples have {sampleSize}", nameof(sampleSize));
        }

        return Inner.FeatureSize(decoder.ImageSize);
    }

    /// <inheritdoc />
    public void Extract(ReadOnlySpan<double> samples, int count, int sampleSize, Span<double> features, CancellationToken cancellationToken = default)
    {
        FeatureSize(sampleSize);
        var images = new double[count * decoder.ImageSize];
        decoder.Decode(samples, count, images, cancellationToken);
        Inner.Extract(images, count, decoder.ImageSize, features, cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        decoder.Dispose();
        (Inner as IDisposable)?.Dispose();
    }
}
