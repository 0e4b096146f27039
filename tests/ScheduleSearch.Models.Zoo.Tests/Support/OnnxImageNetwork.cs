using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace ScheduleSearch.Models.Zoo.Tests.Support;

/// <summary>Runs one of the classifier's graphs (features.onnx or classifier.onnx): float32 [B, 1, 28, 28] in, [B, K] out.</summary>
public sealed class OnnxImageNetwork : IDisposable
{
    private readonly InferenceSession session;
    private readonly string input;
    private readonly string output;

    /// <summary>Opens the graph at <paramref name="path"/> on the CPU with one thread.</summary>
    public OnnxImageNetwork(string path)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        session = new InferenceSession(path, options);
        input = session.InputMetadata.Keys.Single();
        output = session.OutputMetadata.Keys.Single();
        Width = checked((int)session.OutputMetadata[output].Dimensions[1]);
    }

    /// <summary>Values per output row.</summary>
    public int Width { get; }

    /// <summary>The output rows of <paramref name="count"/> images (row-major, 784 values each).</summary>
    public double[] Run(ReadOnlySpan<double> images, int count)
    {
        var result = new double[count * Width];
        const int chunk = 250;
        for (var start = 0; start < count; start += chunk)
        {
            var n = Math.Min(chunk, count - start);
            var tensor = new DenseTensor<float>([n, 1, 28, 28]);
            var source = images.Slice(start * FashionTestSet.ImageSize, n * FashionTestSet.ImageSize);
            for (var i = 0; i < source.Length; i++)
            {
                tensor.Buffer.Span[i] = (float)source[i];
            }

            using var outputs = session.Run([NamedOnnxValue.CreateFromTensor(input, tensor)]);
            var values = outputs.Single().AsEnumerable<float>().ToArray();
            for (var i = 0; i < values.Length; i++)
            {
                result[(start * Width) + i] = values[i];
            }
        }

        return result;
    }

    /// <inheritdoc />
    public void Dispose() => session.Dispose();
}
