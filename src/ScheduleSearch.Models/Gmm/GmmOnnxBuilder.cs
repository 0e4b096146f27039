using Onnx;
using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Models.Graphs;

namespace ScheduleSearch.Models.Gmm;

/// <summary>
/// Builds the exact posterior-mean denoiser of a diagonal Gaussian mixture as an ONNX graph: inputs x[B,D] and
/// sigma[B] (float32), output x0[B,D] (float32), D(x, s) = sum_k r_k(x, s) (mu_k + v_k/(v_k + s^2) (x - mu_k)) with
/// responsibilities r = softmax_k(log w_k - 1/2 sum_d [(x_d - mu_kd)^2/(v_kd + s^2) + log 2 pi (v_kd + s^2)]).
/// </summary>
/// <remarks>
/// The softmax is written out as log-sum-exp (subtract the row maximum before exp), so it stays finite for sigma from
/// 0.002 to 80 and for points far from every mean, where each log-likelihood alone underflows. Inside the graph every
/// value is float64: the log-likelihoods of competing components are large numbers whose small differences decide the
/// responsibilities, and float32 there costs more than the 1e-5 agreement with the float64 C# denoiser allows.
/// </remarks>
public static class GmmOnnxBuilder
{
    /// <summary>Name of the sample input.</summary>
    public const string SampleInput = "x";

    /// <summary>Name of the noise-level input.</summary>
    public const string SigmaInput = "sigma";

    /// <summary>Name of the output.</summary>
    public const string Output = "x0";

    /// <summary>The graph of <paramref name="mixture"/>'s denoiser.</summary>
    public static ModelProto Build(GaussianMixture mixture, string name = "gmm")
    {
        ArgumentNullException.ThrowIfNull(mixture);
        int k = mixture.Components, d = mixture.Dimension;
        var f = TensorProto.Types.DataType.Float;
        var g = new OnnxGraphBuilder(name)
            .Input(SampleInput, f, null, d)
            .Input(SigmaInput, f, (long?)null)
            .Output(Output, f, null, d);

        var means = g.Constant(mixture.Means.SelectMany(m => m).ToArray(), k, d);
        var variances = g.Constant(mixture.Variances.SelectMany(v => v).ToArray(), k, d);
        var logNormaliser = 0.5 * d * Math.Log(2.0 * Math.PI);
        var logWeights = g.Constant(mixture.Weights.Select(w => Math.Log(w) - logNormaliser).ToArray(), k);
        var half = g.Constant([0.5], 1);
        var axisD = g.Constant([2L], 1);
        var axisK = g.Constant([1L], 1);

        var toDouble = new Dictionary<string, object> { ["to"] = (long)TensorProto.Types.DataType.Double };
        var x = g.Node("Cast", [SampleInput], toDouble);
        var sigma = g.Node("Cast", [SigmaInput], toDouble);
        var s2 = g.Node("Reshape", g.Node("Mul", sigma, sigma), g.Constant([-1L, 1, 1], 3));
        var xr = g.Node("Reshape", x, g.Constant([-1L, 1, d], 3));

        var total = g.Node("Add", s2, variances);                       // [B,K,D] v + s^2
        var inverse = g.Node("Reciprocal", total);
        var diff = g.Node("Sub", xr, means);                            // [B,K,D] x - mu
        var quad = g.Node("Mul", g.Node("Mul", diff, diff), inverse);
        var noKeep = new Dictionary<string, object> { ["keepdims"] = 0L };
        var quadSum = g.Node("ReduceSum", [quad, axisD], noKeep);       // [B,K]
        var logDet = g.Node("ReduceSum", [g.Node("Log", total), axisD], noKeep);
        var logits = g.Node("Sub", logWeights, g.Node("Mul", half, g.Node("Add", quadSum, logDet)));

        // log-sum-exp softmax over components.
        var rowMax = g.Node("ReduceMax", [logits], new Dictionary<string, object> { ["axes"] = new[] { 1L }, ["keepdims"] = 1L });
        var shifted = g.Node("Exp", g.Node("Sub", logits, rowMax));
        var norm = g.Node("ReduceSum", [shifted, axisK], new Dictionary<string, object> { ["keepdims"] = 1L });
        var responsibility = g.Node("Reshape", g.Node("Div", shifted, norm), g.Constant([-1L, k, 1], 3));

        // Per-component posterior mean mu + v/(v + s^2) (x - mu), weighted by the responsibilities.
        var posterior = g.Node("Add", means, g.Node("Mul", g.Node("Mul", variances, inverse), diff));
        var x0 = g.Node("ReduceSum", [g.Node("Mul", responsibility, posterior), axisK], noKeep);
        g.Node("Cast", [x0], new Dictionary<string, object> { ["to"] = (long)TensorProto.Types.DataType.Float }, Output);
        return g.Build();
    }
}
