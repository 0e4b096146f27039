using Onnx;
using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Models.Cards;
using ScheduleSearch.Models.Graphs;

namespace ScheduleSearch.Models.Tests.Support;

/// <summary>
/// A tiny linear ONNX graph whose output is known exactly: out = x + 0.001 t (+ 0.1 y for a class input), so a test can
/// read back what the adapter fed as sample, time and class.
/// </summary>
public static class ProbeModel
{
    /// <summary>Writes model.onnx and model.json into <paramref name="directory"/> and returns the card path.</summary>
    public static string Write(
        string directory,
        int dimension,
        NoiseScheduleSpec schedule,
        TimeConvention convention,
        Parameterization parameterization,
        TensorProto.Types.DataType floatType = TensorProto.Types.DataType.Float,
        double timeScale = 1.0,
        GuidanceSpec? guidance = null,
        long? fixedBatch = null)
    {
        var g = new OnnxGraphBuilder("probe")
            .Input("x", floatType, fixedBatch, dimension)
            .Input("t", floatType, fixedBatch)
            .Output("out", floatType, fixedBatch, dimension);
        var toFloat = new Dictionary<string, object> { ["to"] = (long)TensorProto.Types.DataType.Float };
        var column = g.Constant([-1L, 1], 2);
        var time = g.Node("Reshape", g.Node("Cast", ["t"], toFloat), column);
        var sum = g.Node("Add", g.Node("Cast", ["x"], toFloat), g.Node("Mul", time, g.Constant([0.001f], 1)));
        if (guidance is not null)
        {
            g.Input(guidance.ClassInput, TensorProto.Types.DataType.Int64, fixedBatch);
            var label = g.Node("Reshape", g.Node("Cast", [guidance.ClassInput], toFloat), column);
            sum = g.Node("Add", sum, g.Node("Mul", label, g.Constant([0.1f], 1)));
        }

        g.Node("Cast", [sum], new Dictionary<string, object> { ["to"] = (long)floatType }, "out");
        g.Save(Path.Combine(directory, "model.onnx"));
        var card = new ModelCard
        {
            Name = "probe",
            Onnx = "model.onnx",
            Schedule = schedule,
            Inputs = new ModelInputs("x", "t", convention, null, timeScale),
            Output = new ModelOutput("out", parameterization),
            SampleShape = [dimension],
            Guidance = guidance,
        };
        var path = Path.Combine(directory, "model.json");
        ModelCardWriter.Write(card, path);
        return path;
    }
}
