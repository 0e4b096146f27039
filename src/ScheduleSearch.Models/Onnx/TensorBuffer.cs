using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace ScheduleSearch.Models.Onnx;

/// <summary>
/// A pinned, reusable buffer for one ONNX input or output (float, float16, double, int32 or int64), written from and
/// read into float64 spans. Pinned so that an <see cref="OrtValue"/> can wrap it without copying.
/// </summary>
internal sealed class TensorBuffer
{
    private readonly byte[] bytes;
    private double[]? scratch;

    public TensorBuffer(TensorElementType type, int capacity)
    {
        Type = type;
        ElementSize = type switch
        {
            TensorElementType.Float => 4,
            TensorElementType.Float16 => 2,
            TensorElementType.Double => 8,
            TensorElementType.Int32 => 4,
            TensorElementType.Int64 => 8,
            _ => throw new NotSupportedException($"element type {TensorSignatureName(type)} is not supported"),
        };
        Capacity = Math.Max(1, capacity);
        bytes = GC.AllocateArray<byte>(Capacity * ElementSize, pinned: true);
    }

    public TensorElementType Type { get; }

    public int ElementSize { get; }

    public int Capacity { get; }

    /// <summary>Wraps the first elements of the buffer as a tensor of <paramref name="shape"/> (no copy).</summary>
    public OrtValue Wrap(long[] shape)
    {
        var count = shape.Aggregate(1L, (a, b) => a * b);
        return OrtValue.CreateTensorValueWithData(
            OrtMemoryInfo.DefaultInstance, Type, shape, Marshal.UnsafeAddrOfPinnedArrayElement(bytes, 0), count * ElementSize);
    }

    /// <summary>Writes scale * source[i] at element offset + i (rounded for integer types).</summary>
    public void Write(int offset, ReadOnlySpan<double> source, double scale)
    {
        switch (Type)
        {
            case TensorElementType.Float:
                {
                    // Scale in float64, then round once to float32 (vectorised; the scratch is allocated once).
                    var target = MemoryMarshal.Cast<byte, float>(bytes.AsSpan()).Slice(offset, source.Length);
                    if (scale == 1.0)
                    {
                        TensorPrimitives.ConvertTruncating(source, target);
                        break;
                    }

                    scratch ??= new double[Capacity];
                    var scaled = scratch.AsSpan(0, source.Length);
                    TensorPrimitives.Multiply(source, scale, scaled);
                    TensorPrimitives.ConvertTruncating<double, float>(scaled, target);
                    break;
                }

            case TensorElementType.Float16:
                {
                    var target = MemoryMarshal.Cast<byte, Half>(bytes.AsSpan()).Slice(offset, source.Length);
                    for (var i = 0; i < source.Length; i++)
                    {
                        target[i] = (Half)(source[i] * scale);
                    }

                    break;
                }

            case TensorElementType.Double:
                {
                    var target = MemoryMarshal.Cast<byte, double>(bytes.AsSpan()).Slice(offset, source.Length);
                    for (var i = 0; i < source.Length; i++)
                    {
                        target[i] = source[i] * scale;
                    }

                    break;
                }

            case TensorElementType.Int64:
                {
                    var target = MemoryMarshal.Cast<byte, long>(bytes.AsSpan()).Slice(offset, source.Length);
                    for (var i = 0; i < source.Length; i++)
                    {
                        target[i] = (long)Math.Round(source[i] * scale);
                    }

                    break;
                }

            case TensorElementType.Int32:
                {
                    var target = MemoryMarshal.Cast<byte, int>(bytes.AsSpan()).Slice(offset, source.Length);
                    for (var i = 0; i < source.Length; i++)
                    {
                        target[i] = (int)Math.Round(source[i] * scale);
                    }

                    break;
                }

            default:
                throw new NotSupportedException($"cannot write real numbers into a {TensorSignatureName(Type)} tensor");
        }
    }

    /// <summary>Fills <paramref name="count"/> elements from <paramref name="offset"/> with one value (rounded for integer types).</summary>
    public void Fill(int offset, int count, double value)
    {
        switch (Type)
        {
            case TensorElementType.Float:
                MemoryMarshal.Cast<byte, float>(bytes.AsSpan()).Slice(offset, count).Fill((float)value);
                break;
            case TensorElementType.Float16:
                MemoryMarshal.Cast<byte, Half>(bytes.AsSpan()).Slice(offset, count).Fill((Half)value);
                break;
            case TensorElementType.Double:
                MemoryMarshal.Cast<byte, double>(bytes.AsSpan()).Slice(offset, count).Fill(value);
                break;
            case TensorElementType.Int64:
                MemoryMarshal.Cast<byte, long>(bytes.AsSpan()).Slice(offset, count).Fill((long)Math.Round(value));
                break;
            case TensorElementType.Int32:
                MemoryMarshal.Cast<byte, int>(bytes.AsSpan()).Slice(offset, count).Fill((int)Math.Round(value));
                break;
            default:
                throw new NotSupportedException($"cannot fill a {TensorSignatureName(Type)} tensor");
        }
    }

    /// <summary>Writes one integer label at element <paramref name="index"/>.</summary>
    public void SetLabel(int index, int label)
    {
        if (Type == TensorElementType.Int64)
        {
            MemoryMarshal.Cast<byte, long>(bytes.AsSpan())[index] = label;
        }
        else
        {
            MemoryMarshal.Cast<byte, int>(bytes.AsSpan())[index] = label;
        }
    }

    /// <summary>Element <paramref name="index"/> as float64.</summary>
    public double Read(int index) => Type switch
    {
        TensorElementType.Float => MemoryMarshal.Cast<byte, float>(bytes.AsSpan())[index],
        TensorElementType.Float16 => (double)MemoryMarshal.Cast<byte, Half>(bytes.AsSpan())[index],
        TensorElementType.Double => MemoryMarshal.Cast<byte, double>(bytes.AsSpan())[index],
        _ => throw new NotSupportedException($"cannot read real numbers from a {TensorSignatureName(Type)} tensor"),
    };

    /// <summary>Copies <paramref name="target"/>.Length elements from <paramref name="offset"/> into float64.</summary>
    public void ReadInto(int offset, Span<double> target)
    {
        switch (Type)
        {
            case TensorElementType.Float:
                TensorPrimitives.ConvertTruncating<float, double>(MemoryMarshal.Cast<byte, float>(bytes.AsSpan()).Slice(offset, target.Length), target);
                break;

            case TensorElementType.Float16:
                {
                    var source = MemoryMarshal.Cast<byte, Half>(bytes.AsSpan()).Slice(offset, target.Length);
                    for (var i = 0; i < target.Length; i++)
                    {
                        target[i] = (double)source[i];
                    }

                    break;
                }

            default:
                for (var i = 0; i < target.Length; i++)
                {
                    target[i] = Read(offset + i);
                }

                break;
        }
    }

    private static string TensorSignatureName(TensorElementType type) => Cards.TensorSignature.TypeName(type);
}
