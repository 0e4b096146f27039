using System.Globalization;
using Google.Protobuf;
using Onnx;

namespace ScheduleSearch.Models.Graphs;

/// <summary>
/// A small writer of ONNX graphs (OnnxSharp's protobuf types): typed inputs and outputs, constant initializers and
/// nodes, serialised to a model at one opset. Used for the analytic GMM model and for the tiny graphs of the tests.
/// </summary>
public sealed class OnnxGraphBuilder
{
    /// <summary>The default opset (ONNX Runtime 1.31 supports it on CPU and CUDA).</summary>
    public const int DefaultOpset = 17;

    private readonly GraphProto graph;
    private int counter;

    /// <summary>Starts an empty graph named <paramref name="name"/>.</summary>
    public OnnxGraphBuilder(string name) => graph = new GraphProto { Name = name };

    /// <summary>Adds a graph input; a null dimension is symbolic (named "batch" for the first axis, else "d{i}").</summary>
    public OnnxGraphBuilder Input(string name, TensorProto.Types.DataType type, params long?[] dims)
    {
        graph.Input.Add(ValueInfo(name, type, dims));
        return this;
    }

    /// <summary>Adds a graph output.</summary>
    public OnnxGraphBuilder Output(string name, TensorProto.Types.DataType type, params long?[] dims)
    {
        graph.Output.Add(ValueInfo(name, type, dims));
        return this;
    }

    /// <summary>Adds a float64 constant and returns its name.</summary>
    public string Constant(double[] values, params long[] dims)
    {
        var tensor = NewTensor(TensorProto.Types.DataType.Double, dims);
        tensor.DoubleData.AddRange(values);
        return AddInitializer(tensor);
    }

    /// <summary>Adds a float32 constant and returns its name.</summary>
    public string Constant(float[] values, params long[] dims)
    {
        var tensor = NewTensor(TensorProto.Types.DataType.Float, dims);
        tensor.FloatData.AddRange(values);
        return AddInitializer(tensor);
    }

    /// <summary>Adds an int64 constant (shapes, axes) and returns its name.</summary>
    public string Constant(long[] values, params long[] dims)
    {
        var tensor = NewTensor(TensorProto.Types.DataType.Int64, dims);
        tensor.Int64Data.AddRange(values);
        return AddInitializer(tensor);
    }

    /// <summary>Adds a node of <paramref name="opType"/> and returns the name of its (single) output.</summary>
    public string Node(string opType, params string[] inputs) => Node(opType, inputs, attributes: null, output: null);

    /// <summary>Adds a node with attributes (int64, int64 list, float or string values) and an optional output name.</summary>
    public string Node(string opType, string[] inputs, IReadOnlyDictionary<string, object>? attributes, string? output = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        output ??= NextName(opType.ToLowerInvariant());
        var node = new NodeProto { OpType = opType, Name = NextName("node_" + opType) };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        foreach (var (key, value) in attributes ?? new Dictionary<string, object>())
        {
            node.Attribute.Add(Attribute(key, value));
        }

        graph.Node.Add(node);
        return output;
    }

    /// <summary>The finished model.</summary>
    public ModelProto Build(int opset = DefaultOpset, string producer = "ScheduleSearch")
    {
        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = producer,
            ProducerVersion = "1",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = opset });
        return model;
    }

    /// <summary>The finished model's bytes.</summary>
    public byte[] ToBytes(int opset = DefaultOpset) => Build(opset).ToByteArray();

    /// <summary>Writes the finished model to <paramref name="path"/>.</summary>
    public void Save(string path, int opset = DefaultOpset) => File.WriteAllBytes(path, ToBytes(opset));

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, long?[] dims)
    {
        var shape = new TensorShapeProto();
        for (var i = 0; i < dims.Length; i++)
        {
            shape.Dim.Add(dims[i] is { } d
                ? new TensorShapeProto.Types.Dimension { DimValue = d }
                : new TensorShapeProto.Types.Dimension { DimParam = i == 0 ? "batch" : string.Create(CultureInfo.InvariantCulture, $"d{i}") });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    private static TensorProto NewTensor(TensorProto.Types.DataType type, long[] dims)
    {
        var tensor = new TensorProto { DataType = (int)type };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    private static AttributeProto Attribute(string name, object value) => value switch
    {
        long i => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = i },
        int i => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = i },
        float f => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = f },
        string s => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(s) },
        long[] list => WithInts(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints }, list),
        _ => throw new ArgumentException($"attribute '{name}' has unsupported type {value.GetType().Name}", nameof(value)),
    };

    private static AttributeProto WithInts(AttributeProto attribute, long[] values)
    {
        attribute.Ints.AddRange(values);
        return attribute;
    }

    private string AddInitializer(TensorProto tensor)
    {
        tensor.Name = NextName("const");
        graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    private string NextName(string stem) => string.Create(CultureInfo.InvariantCulture, $"{stem}_{counter++}");
}
