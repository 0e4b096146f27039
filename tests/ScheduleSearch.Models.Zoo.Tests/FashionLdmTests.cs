using System.Text.Json;
using ScheduleSearch.Models.Zoo.Tests.Support;
using Xunit.Abstractions;

namespace ScheduleSearch.Models.Zoo.Tests;

/// <summary>
/// models/fashion-ldm, the latent prompt-conditioned zoo model: decoded samples of a 10-step DDIM run with
/// classifier-free guidance 5 against the empty prompt must be classified as their prompted class by
/// models/fashion-classifier. The training run's own check (tools/modelzoo/ldm.py preview, 50 DDIM steps, 300 samples)
/// found 99.7%; 10 steps on 100 samples is the fast version, held to at least 85%.
/// </summary>
public class FashionLdmTests(ITestOutputHelper output)
{
    /// <summary>The least fraction of decoded samples classified as their prompted class.</summary>
    public const double RequiredRate = 0.85;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Guided_samples_decode_to_images_the_classifier_labels_as_the_prompted_class(bool float16)
    {
        using var files = new FashionLdmFiles(float16);
        using var classifier = new OnnxImageNetwork(ZooModels.Classifier("classifier.onnx"));
        const int perClass = 10;
        const int count = 10 * perClass;

        var images = files.Decode(Ddim(files, count, guidance: 5.0, steps: 10, seed: 5), count, Scale());
        var logits = classifier.Run(images, count);

        var correct = Enumerable.Range(0, count).Count(i => Logits.ArgMax(logits.AsSpan(i * 10, 10)) == i % 10);
        output.WriteLine($"{(float16 ? "float16" : "float32")} UNet: {correct} of {count} decoded samples classified as their prompted class");
        Assert.True(correct >= RequiredRate * count, $"{correct} of {count} samples classified as prompted");
    }

    [Fact]
    public void The_float16_variant_predicts_the_same_noise_as_the_float32_network_to_float16_precision()
    {
        using var full = new FashionLdmFiles(false);
        using var half = new FashionLdmFiles(true);
        var random = new Random(3);
        var latents = Enumerable.Range(0, 4 * FashionLdmFiles.LatentSize).Select(_ => Normal(random)).ToArray();
        var context = Rows(full.Prompts.Data, full.Prompts.RowSize, [0, 3, 7, 9]);

        foreach (var step in new long[] { 999, 500, 20 })
        {
            var a = full.Epsilon(latents, 4, step, context);
            var b = half.Epsilon(latents, 4, step, context);
            var worst = a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
            Assert.True(worst < 0.02, $"step {step}: largest |float32 - float16| {worst}");
        }
    }

    /// <summary>Deterministic DDIM on the integer grid (steps 900, 800, ..., 0 for 10 steps), row i asking for class i mod 10.</summary>
    private static double[] Ddim(FashionLdmFiles files, int count, double guidance, int steps, int seed)
    {
        var abar = ScaledLinearAlphaBar();
        var random = new Random(seed);
        var x = Enumerable.Range(0, count * FashionLdmFiles.LatentSize).Select(_ => Normal(random)).ToArray();
        var cond = Rows(files.Prompts.Data, files.Prompts.RowSize, Enumerable.Range(0, count).Select(i => i % 10).ToArray());
        var uncond = Rows(files.Negative.Data, files.Negative.RowSize, new int[count]);
        var grid = Enumerable.Range(0, steps).Select(k => (long)(k * (1000 / steps))).Reverse().ToArray();
        for (var k = 0; k < grid.Length; k++)
        {
            var e = files.Epsilon(x, count, grid[k], cond);
            var u = files.Epsilon(x, count, grid[k], uncond);
            var a = abar[grid[k]];
            var previous = k + 1 < grid.Length ? abar[grid[k + 1]] : 1.0;
            for (var i = 0; i < x.Length; i++)
            {
                var eps = u[i] + (guidance * (e[i] - u[i]));
                var x0 = (x[i] - (Math.Sqrt(1 - a) * eps)) / Math.Sqrt(a);
                x[i] = (Math.Sqrt(previous) * x0) + (Math.Sqrt(1 - previous) * eps);
            }
        }

        return x;
    }

    private static double Scale()
    {
        using var card = JsonDocument.Parse(File.ReadAllText(FashionLdmFiles.File("model.json")));
        return card.RootElement.GetProperty("decoder").GetProperty("scale").GetDouble();
    }

    // SD's scaled_linear betas (0.00085..0.012, 1000 steps), as the card's schedule says.
    private static double[] ScaledLinearAlphaBar()
    {
        var result = new double[1000];
        var product = 1.0;
        for (var n = 0; n < 1000; n++)
        {
            var root = Math.Sqrt(0.00085) + ((Math.Sqrt(0.012) - Math.Sqrt(0.00085)) * n / 999.0);
            product *= 1 - (root * root);
            result[n] = product;
        }

        return result;
    }

    private static double[] Rows(double[] data, int rowSize, int[] rows) =>
        rows.SelectMany(r => data.AsSpan(r * rowSize, rowSize).ToArray()).ToArray();

    private static double Normal(Random random) =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());
}
