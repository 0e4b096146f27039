using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using ScheduleSearch.Models.Arrays;

namespace ScheduleSearch.Models.Zoo.Tests.Support;

/// <summary>
/// The graphs and arrays of models/fashion-ldm run directly through ONNX Runtime (CPU, one thread): the UNet
/// (`sample`, int64 `timestep`, `encoder_hidden_states` -> `out_sample`, float32 or its float16 variant), the VAE
/// decoder (`latent_sample` -> `sample`) and the prompt rows. Deliberately independent of the card reader, so the
/// zoo test checks the trained files themselves: a test of the network, not of the loader.
/// </summary>
public sealed class FashionLdmFiles : IDisposable
{
    /// <summary>Values in one latent (4 x 7 x 7).</summary>
    public const int LatentSize = 196;

    private readonly InferenceSession unet;
    private readonly InferenceSession decoder;
    private readonly bool float16;

    /// <summary>Opens the primary UNet, or its float16 variant when <paramref name="float16"/> is set.</summary>
    public FashionLdmFiles(bool float16)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        this.float16 = float16;
        unet = new InferenceSession(File(float16 ? "unet-fp16/model.onnx" : "unet/model.onnx"), options);
        decoder = new InferenceSession(File("vae_decoder/model.onnx"), options);
        Prompts = Npy.Read(File("prompts.npy"));
        Negative = Npy.Read(File("negative.npy"));
    }

    /// <summary>prompts.npy: [10, tokens, width], row k the prompt of class k.</summary>
    public NpyArray Prompts { get; }

    /// <summary>negative.npy: [1, tokens, width], the empty prompt.</summary>
    public NpyArray Negative { get; }

    /// <summary>A file of models/fashion-ldm (copied next to the test assembly).</summary>
    public static string File(string relative) => Path.Combine(AppContext.BaseDirectory, "models", "fashion-ldm", relative);

    /// <summary>The UNet's epsilon for <paramref name="count"/> latents at grid step <paramref name="step"/>, row i
    /// conditioned on the prompt rows in <paramref name="context"/> (count x tokens x width).</summary>
    public double[] Epsilon(double[] latents, int count, long step, double[] context)
    {
        var tokens = Prompts.Shape[1];
        var width = Prompts.Shape[2];
        var time = new DenseTensor<long>(Enumerable.Repeat(step, count).ToArray(), [count]);
        using var outputs = unet.Run(
        [
            Value("sample", latents, [count, 4, 7, 7]),
            NamedOnnxValue.CreateFromTensor("timestep", time),
            Value("encoder_hidden_states", context, [count, tokens, width]),
        ]);
        var output = outputs.Single();
        return float16
            ? output.AsEnumerable<Float16>().Select(v => (double)(float)v).ToArray()
            : output.AsEnumerable<float>().Select(v => (double)v).ToArray();
    }

    /// <summary>Decoded images [count, 1, 28, 28] of latents given in the UNet's scaled space (divided by the card's scale).</summary>
    public double[] Decode(double[] latents, int count, double scale)
    {
        var tensor = new DenseTensor<float>(latents.Select(v => (float)(v / scale)).ToArray(), [count, 4, 7, 7]);
        using var outputs = decoder.Run([NamedOnnxValue.CreateFromTensor("latent_sample", tensor)]);
        return outputs.Single().AsEnumerable<float>().Select(v => (double)v).ToArray();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        unet.Dispose();
        decoder.Dispose();
    }

    private NamedOnnxValue Value(string name, double[] values, int[] shape) => float16
        ? NamedOnnxValue.CreateFromTensor(name, new DenseTensor<Float16>(values.Select(v => (Float16)(float)v).ToArray(), shape))
        : NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(values.Select(v => (float)v).ToArray(), shape));
}
