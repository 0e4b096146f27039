using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Evaluation.Tests.Support;
using ScheduleSearch.Models.Gmm;
using ScheduleSearch.Models.Onnx;
using ScheduleSearch.Storage;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Evaluation.Tests;

public sealed class OnnxEvaluationTests
{
    [Fact]
    public void Scores_through_the_onnx_model_agree_with_the_exact_csharp_mixture_to_float32_accuracy()
    {
        var directory = Path.Combine(TestRepository.Root, "models", "gmm-toy-8");
        using var onnx = OnnxDenoiser.Open(Path.Combine(directory, "model.json"));
        var mixture = GmmParametersJson.Read(Path.Combine(directory, "params.json"));
        var exact = new GaussianMixtureDenoiser(mixture, onnx.Schedule);
        var spec = TestModels.Spec();
        var options = TestModels.Options with { Mixture = mixture };
        var candidates = new[] { "ddim", "unipc-bh2-3" }
            .Select(p => Core.Presets.PresetCatalog.Create(p, onnx.Schedule, 6, Core.Spacings.Spacing.TimeUniform)).ToArray();

        var viaOnnx = new ScheduleEvaluator(onnx, "onnx", spec, new InMemoryScoreStore(), options).Evaluate(candidates, EvaluationRequest.Default);
        var viaExact = new ScheduleEvaluator(exact, "exact", spec, new InMemoryScoreStore(), options).Evaluate(candidates, EvaluationRequest.Default);

        for (var i = 0; i < candidates.Length; i++)
        {
            Assert.Equal(EvaluationStatus.Ok, viaOnnx[i].Status);
            Assert.Equal(viaExact[i].Score, viaOnnx[i].Score, viaExact[i].Score * 1e-3);
        }

        Assert.NotEqual(viaExact[0].Key, viaOnnx[0].Key);
    }
}
