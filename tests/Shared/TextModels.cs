using Onnx;
using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Models.Arrays;
using ScheduleSearch.Models.Cards;
using ScheduleSearch.Models.Graphs;

namespace ScheduleSearch.Tests.Shared;

/// <summary>
/// Small random-weight graphs with the input and output names, ranks and dtypes of real text-to-image exports
/// (optimum's SD 1.5 and SDXL UNets, SD3's transformer), their prompt arrays and cards. The output depends on every
/// input: out = w * sample + 0.001 * time + mean(encoder_hidden_states) (+ mean of the SDXL/SD3 extras). With a decoder,
/// the card also names a VAE-decoder-shaped graph (optimum's <c>latent_sample</c> -> <c>sample</c>, 8x upsampling).
/// Shared by the Models and Evaluation tests and the CLI's end-to-end tests.
/// </summary>
public static class TextModels
{
    /// <summary>The flavours.</summary>
    public enum Kind
    {
        /// <summary>SD 1.5: int64 timestep, encoder_hidden_states -> out_sample, epsilon.</summary>
        Sd15,

        /// <summary>SD 1.5 exported in float16 (timestep stays int64).</summary>
        Sd15Float16,

        /// <summary>SDXL: adds text_embeds and time_ids.</summary>
        Sdxl,

        /// <summary>SD3: flow, shift 3, float timestep 1000 sigma, pooled_projections -> out_hidden_states.</summary>
        Sd3,
    }

    /// <summary>Prompts in the arrays.</summary>
    public const int Prompts = 3;

    /// <summary>The latents' channels and side: every kind's sample_shape is [4, 4, 4].</summary>
    public const int LatentChannels = 4;

    /// <summary>The latents' side.</summary>
    public const int LatentSide = 4;

    /// <summary>How much the decoder upsamples (a VAE decoder's 8).</summary>
    public const int DecoderFactor = 8;

    /// <summary>The decoder file a card written with a decoder names.</summary>
    public const string DecoderFile = "vae_decoder/model.onnx";

    /// <summary>
    /// Writes the graph, arrays and card into <paramref name="directory"/> and returns the card path; with
    /// <paramref name="decoder"/> the card names a decoder (<see cref="WriteDecoder"/>) at <see cref="DecoderFile"/>.
    /// </summary>
    public static string Write(string directory, Kind kind, long? fixedBatch = null, bool decoder = false)
    {
        var sd3 = kind == Kind.Sd3;
        var f16 = kind == Kind.Sd15Float16;
        var type = f16 ? TensorProto.Types.DataType.Float16 : TensorProto.Types.DataType.Float;
        var (sampleName, outName) = sd3 ? ("hidden_states", "out_hidden_states") : ("sample", "out_sample");
        long channels = LatentChannels, side = LatentSide, width = 6;
        var g = new OnnxGraphBuilder(kind.ToString())
            .Input(sampleName, type, fixedBatch, channels, side, side)
            .Input("timestep", sd3 ? TensorProto.Types.DataType.Float : TensorProto.Types.DataType.Int64, fixedBatch)
            .Input("encoder_hidden_states", type, fixedBatch, null, width)
            .Output(outName, type, fixedBatch, channels, side, side);
        var toFloat = new Dictionary<string, object> { ["to"] = (long)TensorProto.Types.DataType.Float };
        var column = g.Constant([-1L, 1, 1, 1], 4);
        var rng = new Random((int)kind + 1);
        var weights = g.Constant(Enumerable.Range(0, (int)(channels * side * side)).Select(_ => (float)(0.5 + rng.NextDouble())).ToArray(), channels, side, side);
        var sum = g.Node("Mul", g.Node("Cast", [sampleName], toFloat), weights);
        sum = g.Node("Add", sum, g.Node("Mul", g.Node("Reshape", g.Node("Cast", ["timestep"], toFloat), column), g.Constant([0.001f], 1)));
        string Mean(string input, long[] axes) =>
            g.Node("Reshape", g.Node("ReduceMean", [g.Node("Cast", [input], toFloat)], new Dictionary<string, object> { ["axes"] = axes, ["keepdims"] = 0L }), column);
        sum = g.Node("Add", sum, Mean("encoder_hidden_states", [1, 2]));
        var conditioning = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["encoder_hidden_states"] = "prompts.npy" };
        var negative = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["encoder_hidden_states"] = "negative.npy" };
        WriteRows(directory, "prompts.npy", Prompts, [5, (int)width], rng, f16);
        WriteRows(directory, "negative.npy", 1, [5, (int)width], rng, f16);
        if (kind == Kind.Sdxl)
        {
            g.Input("text_embeds", type, fixedBatch, 8).Input("time_ids", type, fixedBatch, 6);
            sum = g.Node("Add", sum, Mean("text_embeds", [1]));
            sum = g.Node("Add", sum, g.Node("Mul", Mean("time_ids", [1]), g.Constant([0.01f], 1)));
            conditioning["text_embeds"] = "text_embeds.npy";
            conditioning["time_ids"] = "time_ids.npy";
            negative["text_embeds"] = "negative_text_embeds.npy";
            WriteRows(directory, "text_embeds.npy", Prompts, [8], rng, f16);
            WriteRows(directory, "negative_text_embeds.npy", 1, [8], rng, f16);
            Npy.Write(Path.Combine(directory, "time_ids.npy"), new NpyArray([1, 6], [64, 64, 0, 0, 64, 64]), float32: true);
        }

        if (sd3)
        {
            g.Input("pooled_projections", type, fixedBatch, 8);
            sum = g.Node("Add", sum, Mean("pooled_projections", [1]));
            conditioning["pooled_projections"] = "pooled.npy";
            negative["pooled_projections"] = "negative_pooled.npy";
            WriteRows(directory, "pooled.npy", Prompts, [8], rng, f16);
            WriteRows(directory, "negative_pooled.npy", 1, [8], rng, f16);
        }

        g.Node("Cast", [sum], new Dictionary<string, object> { ["to"] = (long)type }, outName);
        g.Save(Path.Combine(directory, "model.onnx"));
        var card = new ModelCard
        {
            Name = kind.ToString().ToLowerInvariant(),
            Onnx = "model.onnx",
            Schedule = sd3
                ? new NoiseScheduleSpec { Kind = "flow", Shift = 3.0 }
                : new NoiseScheduleSpec { Kind = "vp-discrete", Betas = Core.Noise.BetaSchedule.ScaledLinear, BetaStart = 0.00085, BetaEnd = 0.012 },
            Inputs = new ModelInputs(sampleName, "timestep", sd3 ? TimeConvention.ContinuousT : TimeConvention.DiscreteIndex, null, sd3 ? 1000.0 : 1.0) { Conditioning = conditioning },
            Output = new ModelOutput(outName, sd3 ? Parameterization.Flow : Parameterization.Epsilon),
            SampleShape = [(int)channels, (int)side, (int)side],
            Negative = negative,
            Decoder = decoder ? new DecoderSpec(DecoderFile, "latent_sample", "sample", 0.18215) : null,
        };
        if (decoder)
        {
            Directory.CreateDirectory(Path.Combine(directory, "vae_decoder"));
            WriteDecoder(Path.Combine(directory, DecoderFile), (int)channels, (int)side);
        }

        var path = Path.Combine(directory, "model.json");
        ModelCardWriter.Write(card, path);
        return path;
    }

    /// <summary>
    /// Writes a random-weight graph named and shaped as optimum's VAE decoder export: <c>latent_sample</c>
    /// [B, <paramref name="channels"/>, side, side] -> <c>sample</c> [B, 3, 8 side, 8 side] in [-1, 1] (undoing the
    /// card's scale 0.18215, a 1x1 convolution to RGB, nearest 8x upsampling, tanh).
    /// </summary>
    public static void WriteDecoder(string path, int channels, int side)
    {
        var image = side * DecoderFactor;
        var g = new OnnxGraphBuilder("vae_decoder")
            .Input("latent_sample", TensorProto.Types.DataType.Float, null, channels, side, side)
            .Output("sample", TensorProto.Types.DataType.Float, null, 3, image, image);
        var rng = new Random(channels * side);
        var weights = g.Constant(Enumerable.Range(0, 3 * channels).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray(), 3, channels, 1, 1);
        var rgb = g.Node("Conv", [g.Node("Mul", "latent_sample", g.Constant([0.18215f], 1)), weights], attributes: null);
        var scales = g.Constant([1f, 1f, DecoderFactor, DecoderFactor], 4);
        var up = g.Node("Resize", [rgb, string.Empty, scales], new Dictionary<string, object> { ["mode"] = "nearest" });
        g.Node("Tanh", [up], attributes: null, output: "sample");
        g.Save(path);
    }

    /// <summary>
    /// Writes a small feature network for decoded images: <c>x</c> [B, 3, 8 side, 8 side] -> <c>features</c>
    /// [B, 3 side^2] (8 x 8 average pooling), few enough features for a Frechet distance on a handful of samples.
    /// </summary>
    public static void WriteImageFeatures(string path, int side = LatentSide)
    {
        var image = side * DecoderFactor;
        var g = new OnnxGraphBuilder("features")
            .Input("x", TensorProto.Types.DataType.Float, null, 3, image, image)
            .Output("features", TensorProto.Types.DataType.Float, null, 3 * side * side);
        var pool = g.Node("AveragePool", ["x"], new Dictionary<string, object> { ["kernel_shape"] = new long[] { DecoderFactor, DecoderFactor }, ["strides"] = new long[] { DecoderFactor, DecoderFactor } });
        g.Node("Flatten", [pool], attributes: null, output: "features");
        g.Save(path);
    }

    private static void WriteRows(string directory, string name, int rows, int[] rowShape, Random rng, bool float16)
    {
        var size = rowShape.Aggregate(1, (a, b) => a * b);
        var data = Enumerable.Range(0, rows * size).Select(_ => Math.Round((rng.NextDouble() * 2) - 1, 3)).ToArray();
        var path = Path.Combine(directory, name);
        Npy.Write(path, new NpyArray([rows, .. rowShape], data), float32: true);
        if (float16)
        {
            // Rewrite the header's dtype and the values as '<f2' (what a float16 export's prompt encoder saves).
            var bytes = File.ReadAllBytes(path);
            var header = System.Text.Encoding.ASCII.GetString(bytes, 10, BitConverter.ToUInt16(bytes, 8)).Replace("<f4", "<f2", StringComparison.Ordinal);
            using var stream = File.Create(path);
            stream.Write(bytes, 0, 10);
            stream.Write(System.Text.Encoding.ASCII.GetBytes(header));
            foreach (var v in data)
            {
                var half = BitConverter.GetBytes((Half)v);
                stream.Write(half);
            }
        }
    }
}
