using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Solvers;
using ScheduleSearch.Models.Gmm;
using ScheduleSearch.Models.Onnx;
using ScheduleSearch.Models.Tests.Support;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Models.Tests.Onnx;

public class OnnxDenoiserSamplerTests
{
    [Theory]
    [InlineData("dpm-solver++-2m", 10)]
    [InlineData("unipc-bh2-3", 6)]
    [InlineData("ddim", 20)]
    public void A_solver_run_through_the_onnx_gmm_toy_8_matches_the_same_run_through_the_csharp_gmm(string preset, int nfe)
    {
        using var onnx = OnnxDenoiser.Open(BuiltInModels.GmmToy8Card, new OnnxDenoiserOptions { MaxBatch = 32 });
        var exact = new GaussianMixtureDenoiser(GmmParametersJson.Read(BuiltInModels.GmmToy8Params), onnx.Schedule);
        var plan = PresetCatalog.Create(preset, onnx.Schedule, nfe);
        const int batch = 100;
        var random = new Random(5);
        var noise = Enumerable.Range(0, batch * 8).Select(_ => TestMixtures.Normal(random)).ToArray();
        var viaOnnx = new double[noise.Length];
        var viaCSharp = new double[noise.Length];
        Sampler.InitialState(onnx.Schedule, plan.Timesteps[0], noise, viaOnnx);
        Sampler.InitialState(exact.Schedule, plan.Timesteps[0], noise, viaCSharp);

        new Sampler(onnx).Run(plan, viaOnnx, batch);
        new Sampler(exact).Run(plan, viaCSharp, batch);

        var worst = viaOnnx.Zip(viaCSharp, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst < 1e-4, $"largest difference {worst}");
        Assert.Equal(nfe, onnx.Calls);
    }

    [Fact]
    public void Predict_on_the_written_gmm_model_matches_the_csharp_gmm_at_several_t()
    {
        using var dir = new TempDirectory();
        var mixture = TestMixtures.Random(5, 12, 9);
        GmmModelWriter.Write(mixture, dir.Path);
        using var onnx = OnnxDenoiser.Open(dir.File("model.json"));
        var exact = new GaussianMixtureDenoiser(mixture, onnx.Schedule);
        var random = new Random(3);
        foreach (var t in new[] { 0.001, 0.05, 0.3, 0.7, 1.0 })
        {
            var x = Enumerable.Range(0, 40 * 12).Select(_ => (double)(float)(2 * TestMixtures.Normal(random))).ToArray();
            var (x0a, epsA) = (new double[x.Length], new double[x.Length]);
            var (x0b, epsB) = (new double[x.Length], new double[x.Length]);
            onnx.Predict(x, 40, t, x0a, epsA);
            exact.Predict(x, 40, t, x0b, epsB);
            var alpha = onnx.Schedule.Alpha(t);
            var sigma = onnx.Schedule.Sigma(t);
            for (var i = 0; i < x.Length; i++)
            {
                // x/alpha is rounded to float32 on the way in: allow that rounding, amplified by the denoiser's gain <= 1.
                Assert.True(Math.Abs(x0a[i] - x0b[i]) < 1e-5 + (1e-7 * Math.Abs(x[i] / alpha)), $"t {t}, x0[{i}]: {x0a[i]} vs {x0b[i]}");
                Assert.True(Math.Abs(epsA[i] - epsB[i]) < (1e-5 + (1e-7 * Math.Abs(x[i] / alpha))) * alpha / sigma * 2, $"t {t}, eps[{i}]: {epsA[i]} vs {epsB[i]}");
            }
        }
    }
}
