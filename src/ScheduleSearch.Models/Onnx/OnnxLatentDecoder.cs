using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using ScheduleSearch.Models.Cards;

namespace ScheduleSearch.Models.Onnx;

/// <summary>
/// The VAE decoder of a latent model (a card's <c>decoder</c> block): latents in, images out, run on
/// <c>latent / scale + shift</c> as diffusers' <c>vae.decode(latents / scaling_factor + shift_factor)</c>. The graph's
/// input must take the card's sample shape; float32 and float16 graphs run as they are. Thread-safe.
/// </summary>
public sealed class OnnxLatentDecoder : ILatentDecoder, IDisposable
{
    private readonly InferenceSession session;
    private readonly DecoderSpec spec;
    private readonly TensorElementType inputType;
    private readonly TensorElementType outputType;
    private readonly long[] latentShape;
    private readonly int batch;

    private OnnxLatentDecoder(InferenceSession session, DecoderSpec spec, TensorSignature input, TensorSignature output, IReadOnlyList<int> sampleShape, int batch)
    {
        this.session = session;
        this.spec = spec;
        this.batch = batch;
        inputType = input.ElementType;
        outputType = output.ElementType;
        latentShape = [1, .. sampleShape.Select(d => (long)d)];
        LatentSize = sampleShape.Aggregate(1, (a, b) => a * b);

        // The image size: the output's fixed dimensions, or one decoded zero latent where the export left them free.
        var fixedImage = output.Dimensions.Skip(1).All(d => d > 0);
        ImageShape = fixedImage ? [.. output.Dimensions.Skip(1).Select(d => (int)d)] : ProbeShape();
        ImageSize = ImageShape.Aggregate(1, (a, b) => a * b);
    }

    /// <inheritdoc />
    public int LatentSize { get; }

    /// <inheritdoc />
    public IReadOnlyList<int> ImageShape { get; }

    /// <inheritdoc />
    public int ImageSize { get; }

    /// <summary>
    /// Opens the decoder of <paramref name="card"/> on <paramref name="device"/>, checking its input against the latent
    /// shape and its element types; errors name the card's decoder field.
    /// </summary>
    public static OnnxLatentDecoder Open(ModelCard card, string device = "cpu", int batch = 256)
    {
        var (spec, path) = Locate(card);
        var (session, _) = OnnxSessionFactory.Open(path, device);
        try
        {
            var (input, output) = Check(card, spec, session);
            return new OnnxLatentDecoder(session, spec, input, output, card.SampleShape, Math.Max(1, batch));
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// What <see cref="Open"/> would refuse about the decoder of <paramref name="card"/>, found from the graph's
    /// signature without running it (<c>model inspect</c>); null when it fits or the card names no decoder.
    /// </summary>
    public static string? FindProblem(ModelCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        if (card.Decoder is null)
        {
            return null;
        }

        try
        {
            var (spec, path) = Locate(card);
            using var session = new InferenceSession(path);
            _ = Check(card, spec, session);
            return null;
        }
        catch (ArgumentException e)
        {
            var cut = e.Message.IndexOf(" (Parameter '", StringComparison.Ordinal);
            return cut >= 0 ? e.Message[..cut] : e.Message;
        }
        catch (OnnxRuntimeException e)
        {
            return $"model card '{card.Name}': decoder.onnx: ONNX Runtime cannot load '{card.Resolve(card.Decoder.Onnx)}': {e.Message}";
        }
    }

    /// <inheritdoc />
    public void Decode(ReadOnlySpan<double> latents, int count, Span<double> images, CancellationToken cancellationToken = default)
    {
        if (latents.Length < count * LatentSize || images.Length < count * ImageSize)
        {
            throw new ArgumentException($"decoding {count} latents needs {count * LatentSize} values in and {count * ImageSize} out");
        }

        var scaled = new double[Math.Min(batch, Math.Max(count, 1)) * LatentSize];
        for (var start = 0; start < count; start += batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rows = Math.Min(batch, count - start);
            var source = latents.Slice(start * LatentSize, rows * LatentSize);
            var shifted = scaled.AsSpan(0, source.Length);
            for (var i = 0; i < source.Length; i++)
            {
                shifted[i] = (source[i] / spec.Scale) + spec.Shift;
            }

            Run(shifted, rows, images.Slice(start * ImageSize, rows * ImageSize));
        }
    }

    /// <inheritdoc />
    public void Dispose() => session.Dispose();

    private static (DecoderSpec Spec, string Path) Locate(ModelCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        var spec = card.Decoder ?? throw new ArgumentException($"model card '{card.Name}' has no 'decoder' block: decoding needs a VAE decoder", nameof(card));
        var path = card.Resolve(spec.Onnx);
        if (!File.Exists(path))
        {
            throw new ArgumentException($"model card '{card.Name}': decoder.onnx: file '{path}' does not exist", nameof(card));
        }

        return (spec, path);
    }

    /// <summary>The decoder's latent input and image output, checked against the card; errors name the decoder field.</summary>
    private static (TensorSignature Input, TensorSignature Output) Check(ModelCard card, DecoderSpec spec, InferenceSession session)
    {
        var inputs = TensorSignature.FromAll(session.InputMetadata);
        var outputs = TensorSignature.FromAll(session.OutputMetadata);
        var input = inputs.FirstOrDefault(i => i.Name == spec.Input)
            ?? throw new ArgumentException($"model card '{card.Name}': decoder.input: the decoder has no input '{spec.Input}' (it has {Names(inputs)})", nameof(card));
        CheckLatent(card, input);
        if (inputs.Count != 1)
        {
            throw new ArgumentException($"model card '{card.Name}': decoder.onnx: the decoder takes inputs {Names(inputs)}; expected the latent input alone", nameof(card));
        }

        var output = outputs.FirstOrDefault(o => o.Name == spec.Output)
            ?? throw new ArgumentException($"model card '{card.Name}': decoder.output: the decoder has no output '{spec.Output}' (it has {Names(outputs)})", nameof(card));
        foreach (var (signature, field) in new[] { (input, "decoder.input"), (output, "decoder.output") })
        {
            if (signature.ElementType is not (TensorElementType.Float or TensorElementType.Float16))
            {
                throw new ArgumentException($"model card '{card.Name}': {field}: '{signature.Name}' is {TensorSignature.TypeName(signature.ElementType)}; expected float or float16", nameof(card));
            }
        }

        if (output.Rank < 3)
        {
            throw new ArgumentException($"model card '{card.Name}': decoder.output: '{output.Name}' has rank {output.Rank}; expected images [B, C, H, W] or [B, H, W]", nameof(card));
        }

        return (input, output);
    }

    private static void CheckLatent(ModelCard card, TensorSignature input)
    {
        var dims = input.Dimensions;
        var expected = card.SampleShape;
        var matches = dims.Count == expected.Count + 1 && dims.Skip(1).Zip(expected).All(p => p.First <= 0 || p.First == p.Second);
        if (!matches)
        {
            throw new ArgumentException(
                $"model card '{card.Name}': decoder.input: '{input.Name}' has shape [{string.Join(", ", dims.Select(d => d <= 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]; the latents have sample_shape [{string.Join(", ", expected)}] (expected [B, {string.Join(", ", expected)}])",
                nameof(card));
        }
    }

    private static string Names(IEnumerable<TensorSignature> signatures) => string.Join(", ", signatures.Select(s => $"'{s.Name}'"));

    private int[] ProbeShape()
    {
        var input = new TensorBuffer(inputType, LatentSize);
        using var value = input.Wrap(latentShape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [spec.Input], [value], [spec.Output]);
        GC.KeepAlive(input);
        return [.. outputs[0].GetTensorTypeAndShape().Shape.Skip(1).Select(d => (int)d)];
    }

    private void Run(ReadOnlySpan<double> latents, int rows, Span<double> images)
    {
        var input = new TensorBuffer(inputType, rows * LatentSize);
        input.Write(0, latents, 1.0);
        var shape = (long[])latentShape.Clone();
        shape[0] = rows;
        using var value = input.Wrap(shape);
        var output = new TensorBuffer(outputType, rows * ImageSize);
        using var image = output.Wrap([rows, .. ImageShape.Select(d => (long)d)]);
        using var runOptions = new RunOptions();
        session.Run(runOptions, [spec.Input], [value], [spec.Output], [image]);

        // The OrtValues point into the buffers' pinned arrays: keep those alive until the run has read them.
        GC.KeepAlive(input);
        output.ReadInto(0, images[..(rows * ImageSize)]);
    }
}
