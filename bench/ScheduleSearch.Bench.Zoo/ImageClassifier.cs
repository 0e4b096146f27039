using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace ScheduleSearch.Bench.Zoo;

/// <summary>models/fashion-classifier/classifier.onnx: float32 [B, 1, 28, 28] in [-1, 1] to logits [B, 10].</summary>
internal sealed class ImageClassifier : IDisposable
{
    private readonly InferenceSession session;

    public ImageClassifier(string path, int threads)
    {
        using var options = new SessionOptions { IntraOpNumThreads = threads };
        session = new InferenceSession(path, options);
    }

    public int[] Classify(ReadOnlySpan<double> images, int count)
    {
        var tensor = new DenseTensor<float>([count, 1, 28, 28]);
        for (var i = 0; i < count * 784; i++)
        {
            tensor.Buffer.Span[i] = (float)images[i];
        }

        using var outputs = session.Run([NamedOnnxValue.CreateFromTensor("x", tensor)]);
        var logits = outputs.Single().AsEnumerable<float>().ToArray();
        var labels = new int[count];
        for (var b = 0; b < count; b++)
        {
            var best = 0;
            for (var k = 1; k < 10; k++)
            {
                if (logits[(b * 10) + k] > logits[(b * 10) + best])
                {
                    best = k;
                }
            }

            labels[b] = best;
        }

        return labels;
    }

    public void Dispose() => session.Dispose();
}
