using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace ScheduleSearch.Models.Cards;

/// <summary>One input or output of an ONNX graph as the session reports it: name, element type and dimensions (-1 = symbolic).</summary>
/// <param name="Name">The input or output name.</param>
/// <param name="ElementType">The tensor element type.</param>
/// <param name="Dimensions">The dimensions; -1 marks a symbolic (free) one.</param>
public sealed record TensorSignature(string Name, TensorElementType ElementType, IReadOnlyList<long> Dimensions)
{
    /// <summary>The rank.</summary>
    public int Rank => Dimensions.Count;

    /// <summary>Reads a session's metadata entry.</summary>
    public static TensorSignature From(string name, NodeMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (!metadata.IsTensor)
        {
            return new TensorSignature(name, TensorElementType.DataTypeMax, []);
        }

        return new TensorSignature(name, metadata.ElementDataType, metadata.Dimensions.Select(d => (long)d).ToArray());
    }

    /// <summary>Lists every input or output of a session metadata dictionary, in graph order.</summary>
    public static IReadOnlyList<TensorSignature> FromAll(IReadOnlyDictionary<string, NodeMetadata> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return metadata.Select(kv => From(kv.Key, kv.Value)).ToArray();
    }

    /// <summary>The ONNX spelling of an element type (float, float16, int64, ...).</summary>
    public static string TypeName(TensorElementType type) => type switch
    {
        TensorElementType.Float => "float",
        TensorElementType.Float16 => "float16",
        TensorElementType.Double => "double",
        TensorElementType.Int64 => "int64",
        TensorElementType.Int32 => "int32",
        TensorElementType.DataTypeMax => "non-tensor",
        _ => type.ToString().ToLowerInvariant(),
    };

    /// <summary>"x: float [?, 64]".</summary>
    public override string ToString() =>
        $"{Name}: {TypeName(ElementType)} [{string.Join(", ", Dimensions.Select(d => d < 0 ? "?" : d.ToString(CultureInfo.InvariantCulture)))}]";
}
