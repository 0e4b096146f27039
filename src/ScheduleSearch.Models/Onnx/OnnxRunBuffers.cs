using Microsoft.ML.OnnxRuntime;

namespace ScheduleSearch.Models.Onnx;

/// <summary>
/// The pinned buffers and the OrtValues over them for one evaluation at a time. An <see cref="OnnxDenoiser"/> keeps a
/// pool of these so that concurrent evaluations never share one, and a steady run (same batch every call) creates no
/// new OrtValue: they are rebuilt only when the number of rows changes.
/// </summary>
internal sealed class OnnxRunBuffers : IDisposable
{
    private readonly long[] sampleShape;
    private readonly bool timeIsScalar;
    private int cachedRows = -1;

    public OnnxRunBuffers(TensorBuffer sample, TensorBuffer time, TensorBuffer? label, TensorBuffer output, long[] sampleShape, bool timeIsScalar, IReadOnlyList<(TensorBuffer Buffer, long[] RowShape)>? extra = null)
    {
        Sample = sample;
        Time = time;
        Label = label;
        Output = output;
        Extra = extra ?? [];
        this.sampleShape = sampleShape;
        this.timeIsScalar = timeIsScalar;
        Inputs = new OrtValue[(label is null ? 2 : 3) + Extra.Count];
        Outputs = new OrtValue[1];
    }

    /// <summary>The conditioning inputs' buffers and row shapes, in the order of the denoiser's input names after sample, time and label.</summary>
    public IReadOnlyList<(TensorBuffer Buffer, long[] RowShape)> Extra { get; }

    public TensorBuffer Sample { get; }

    public TensorBuffer Time { get; }

    public TensorBuffer? Label { get; }

    public TensorBuffer Output { get; }

    /// <summary>Sample, time, (when present) label and conditioning values, in the order of the denoiser's input names.</summary>
    public OrtValue[] Inputs { get; }

    public OrtValue[] Outputs { get; }

    /// <summary>Makes <see cref="Inputs"/> and <see cref="Outputs"/> describe <paramref name="rows"/> rows.</summary>
    public void Shape(int rows)
    {
        if (rows == cachedRows)
        {
            return;
        }

        DisposeValues();
        var shape = new long[sampleShape.Length + 1];
        shape[0] = rows;
        sampleShape.CopyTo(shape, 1);
        Inputs[0] = Sample.Wrap(shape);
        Inputs[1] = Time.Wrap(timeIsScalar ? [] : [rows]);
        if (Label is not null)
        {
            Inputs[2] = Label.Wrap([rows]);
        }

        var first = Label is null ? 2 : 3;
        for (var k = 0; k < Extra.Count; k++)
        {
            Inputs[first + k] = Extra[k].Buffer.Wrap([rows, .. Extra[k].RowShape]);
        }

        Outputs[0] = Output.Wrap(shape);
        cachedRows = rows;
    }

    public void Dispose() => DisposeValues();

    private void DisposeValues()
    {
        foreach (var value in Inputs.Concat(Outputs))
        {
            value?.Dispose();
        }
    }
}
