using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;
using ScheduleSearch.Models.Onnx;

namespace ScheduleSearch.Evaluation.Metrics;

/// <summary>
/// Features from an ONNX embedding network (for example models/fashion-classifier/features.onnx: input x
/// [B, 1, 28, 28], output features [B, 128]): the network's first input receives the samples reshaped to its
/// per-sample shape, its first output gives the features. Runs in float32 batches; thread-safe.
/// </summary>
/// <remarks>
/// Model cards have no field naming a feature network yet; the caller opens one (e.g. from a command-line option)
/// and passes it as <see cref="ScheduleEvaluatorOptions.Features"/>. Its <see cref="Name"/> holds the file's
/// content hash, so scores under different feature networks never share a cache key.
/// </remarks>
public sealed class OnnxFeatureExtractor : IFeatureExtractor, IDisposable
{
    private readonly InferenceSession session;
    private readonly string inputName;
    private readonly string outputName;
    private readonly long[] inputShape;
    private readonly int featureSize;
    private readonly int batch;

    private OnnxFeatureExtractor(InferenceSession session, string name, int batch)
    {
        this.session = session;
        this.batch = batch;
        Name = name;
        var input = session.InputMetadata.First();
        var output = session.OutputMetadata.First();
        inputName = input.Key;
        outputName = output.Key;
        inputShape = input.Value.Dimensions.Select(d => (long)d).ToArray();
        featureSize = output.Value.Dimensions.Skip(1).Aggregate(1, (a, b) => a * b);
        if (featureSize <= 0 || inputShape.Skip(1).Any(d => d <= 0))
        {
            throw new ArgumentException($"feature network '{name}': input and output need fixed sizes apart from the batch axis");
        }
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Values per sample the network takes (the product of its input shape without the batch axis).</summary>
    public int InputSize => (int)inputShape.Skip(1).Aggregate(1L, (a, b) => a * b);

    /// <summary>Opens <paramref name="onnxPath"/> on <paramref name="device"/> (cpu, cuda:N or auto).</summary>
    public static OnnxFeatureExtractor Open(string onnxPath, string device = "cpu", int batch = 256)
    {
        ArgumentException.ThrowIfNullOrEmpty(onnxPath);
        var name = NameOf(onnxPath);
        var (session, _) = OnnxSessionFactory.Open(onnxPath, device);
        return new OnnxFeatureExtractor(session, name, Math.Max(1, batch));
    }

    /// <summary>The <see cref="Name"/> the network in <paramref name="onnxPath"/> gets, read without opening it (its content hash).</summary>
    public static string NameOf(string onnxPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(onnxPath);
        return "onnx-sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(onnxPath)));
    }

    /// <inheritdoc />
    public int FeatureSize(int sampleSize)
    {
        if (sampleSize != InputSize)
        {
            throw new ArgumentException($"feature network '{Name}' takes {InputSize} values per sample; the model's samples have {sampleSize}", nameof(sampleSize));
        }

        return featureSize;
    }

    /// <inheritdoc />
    public void Extract(ReadOnlySpan<double> samples, int count, int sampleSize, Span<double> features, CancellationToken cancellationToken = default)
    {
        FeatureSize(sampleSize);
        for (var start = 0; start < count; start += batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rows = Math.Min(batch, count - start);
            var input = new float[rows * sampleSize];
            var source = samples.Slice(start * sampleSize, rows * sampleSize);
            for (var i = 0; i < input.Length; i++)
            {
                input[i] = (float)source[i];
            }

            var shape = (long[])inputShape.Clone();
            shape[0] = rows;
            using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, [inputName], [value], [outputName]);
            var result = outputs[0].GetTensorDataAsSpan<float>();
            var target = features.Slice(start * featureSize, rows * featureSize);
            for (var i = 0; i < target.Length; i++)
            {
                target[i] = result[i];
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => session.Dispose();
}
