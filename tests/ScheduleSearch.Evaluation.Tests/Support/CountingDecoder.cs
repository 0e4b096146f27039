using ScheduleSearch.Models.Onnx;

namespace ScheduleSearch.Evaluation.Tests.Support;

/// <summary>A decoder that counts its calls and the latents it decodes, passing them to <paramref name="inner"/>.</summary>
internal sealed class CountingDecoder(ILatentDecoder inner) : ILatentDecoder
{
    private int calls;
    private int rows;

    public int Calls => Volatile.Read(ref calls);

    public int Rows => Volatile.Read(ref rows);

    public int LatentSize => inner.LatentSize;

    public IReadOnlyList<int> ImageShape => inner.ImageShape;

    public int ImageSize => inner.ImageSize;

    public void Decode(ReadOnlySpan<double> latents, int count, Span<double> images, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref calls);
        Interlocked.Add(ref rows, count);
        inner.Decode(latents, count, images, cancellationToken);
    }
}
