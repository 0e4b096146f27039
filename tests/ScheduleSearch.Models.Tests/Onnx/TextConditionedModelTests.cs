using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Solvers;
using ScheduleSearch.Core.Spacings;
using ScheduleSearch.Models.Arrays;
using ScheduleSearch.Models.Cards;
using ScheduleSearch.Models.Onnx;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Models.Tests.Onnx;

public sealed class TextConditionedModelTests
{
    [Theory]
    [InlineData(TextModels.Kind.Sd15)]
    [InlineData(TextModels.Kind.Sd15Float16)]
    [InlineData(TextModels.Kind.Sdxl)]
    [InlineData(TextModels.Kind.Sd3)]
    public void Sd_class_cards_load_and_their_arrays_fit_the_graph(TextModels.Kind kind)
    {
        using var dir = new TempDirectory();
        var path = TextModels.Write(dir.Path, kind);

        var card = ModelCardReader.Read(path);
        using var denoiser = OnnxDenoiser.Open(card, new OnnxDenoiserOptions { GuidanceScale = 5.0 });

        Assert.True(denoiser.IsConditioned);
        Assert.Equal(TextModels.Prompts, denoiser.PromptCount);
        Assert.Equal(card.NamedFiles.Count, card.NamedFiles.Distinct().Count());
        Assert.Equal(ModelCardWriter.ToJson(card), ModelCardWriter.ToJson(ModelCardReader.Parse(ModelCardWriter.ToJson(card), "round trip", dir.Path)));
    }

    [Theory]
    [InlineData(TextModels.Kind.Sd15, 0.5)]
    [InlineData(TextModels.Kind.Sdxl, 0.3)]
    [InlineData(TextModels.Kind.Sd3, 0.6)]
    public void Guidance_against_the_negative_prompt_is_uncond_plus_w_times_cond_minus_uncond_of_two_runs(TextModels.Kind kind, double t)
    {
        using var dir = new TempDirectory();
        var card = ModelCardReader.Read(TextModels.Write(dir.Path, kind));
        const double w = 6.0;
        using var guided = OnnxDenoiser.Open(card, new OnnxDenoiserOptions { GuidanceScale = w });
        using var conditional = OnnxDenoiser.Open(card);
        using var unconditional = OnnxDenoiser.Open(card, new OnnxDenoiserOptions { GuidanceScale = 0.0 });
        var size = guided.SampleSize;
        var x = Rows(5, size);

        var (x0, _) = Predict(guided, x, t);
        var (cond, _) = Predict(conditional, x, t);
        var (uncond, _) = Predict(unconditional, x, t);

        for (var i = 0; i < x.Length; i++)
        {
            // Float32 networks: a row's output may differ in the last bits between batches of another size.
            Assert.Equal(uncond[i] + (w * (cond[i] - uncond[i])), x0[i], 1e-5);
        }

        // Samples 0 and 3 share prompt 0; 1 and 4 prompt 1: the same state gives the same prediction, another prompt another.
        var y = x.ToArray();
        y.AsSpan(0, size).CopyTo(y.AsSpan(3 * size, size));
        y.AsSpan(0, size).CopyTo(y.AsSpan(size, size));
        var (z, _) = Predict(guided, y, t);
        Assert.All(Enumerable.Range(0, size), j => Assert.Equal(z[j], z[(3 * size) + j], 1e-5));
        Assert.True(Enumerable.Range(0, size).Max(j => Math.Abs(z[j] - z[size + j])) > 1e-3);
    }

    [Fact]
    public void A_graph_with_its_batch_axis_fixed_at_1_runs_the_two_guidance_halves_separately()
    {
        using var dir = new TempDirectory();
        using var wideDir = new TempDirectory();
        using var single = OnnxDenoiser.Open(TextModels.Write(dir.Path, TextModels.Kind.Sd15, fixedBatch: 1), new OnnxDenoiserOptions { GuidanceScale = 4.0 });
        using var wide = OnnxDenoiser.Open(TextModels.Write(wideDir.Path, TextModels.Kind.Sd15), new OnnxDenoiserOptions { GuidanceScale = 4.0 });
        var x = Rows(3, single.SampleSize);

        Assert.Equal(1, single.MaxRowsPerRun);
        var (expected, actual) = (Predict(wide, x, 0.4).X0, Predict(single, x, 0.4).X0);
        Assert.All(Enumerable.Range(0, x.Length), i => Assert.Equal(expected[i], actual[i], 1e-5));
    }

    [Fact]
    public void An_integer_time_model_is_only_ever_evaluated_at_grid_times_and_the_solver_uses_their_alpha_and_sigma()
    {
        using var dir = new TempDirectory();
        var card = ModelCardReader.Read(TextModels.Write(dir.Path, TextModels.Kind.Sd15));
        using var denoiser = OnnxDenoiser.Open(card);
        var snapped = Assert.IsType<SnappedDiscreteSchedule>(denoiser.Schedule);
        var grid = snapped.Grid;

        foreach (var t in new[] { 0.0013, 0.25049, 0.5, 0.77777, 0.9996 })
        {
            var n = snapped.Index(t);
            var onGrid = (n + 1.0) / grid.TrainSteps;
            Assert.Equal(grid.Alpha(onGrid), denoiser.Schedule.Alpha(t));
            Assert.Equal(grid.Sigma(onGrid), denoiser.Schedule.Sigma(t));
            Assert.Equal(n, denoiser.Schedule.ModelTime(t));
        }

        // Every time a multistep and a singlestep solver evaluate at (timesteps and intermediate points) is a grid time.
        var recorder = new CountingDenoiser(denoiser);
        foreach (var preset in new[] { "dpm-solver++-2m", "dpm-solver-3s" })
        {
            var plan = PresetCatalog.Create(preset, denoiser.Schedule, 6, Spacing.LogSnrUniform);
            var x = Rows(2, denoiser.SampleSize);
            new Sampler(recorder).Run(plan, x, 2, null, CancellationToken.None);
        }

        Assert.NotEmpty(recorder.Times);
        Assert.All(recorder.Times, t => Assert.Equal(snapped.Snap(t), t, 12));
    }

    [Fact]
    public void Zero_terminal_snr_betas_end_at_a_tiny_finite_alpha_and_a_v_model_samples_from_t_1()
    {
        var schedule = VpDiscreteSchedule.FromBetas(BetaSchedule.ScaledLinear, 0.00085, 0.012, 1000, zeroTerminalSnr: true);

        Assert.Equal(Math.Pow(2, -12), schedule.Alpha(1.0), 9);
        Assert.True(double.IsFinite(schedule.Lambda(1.0)));
        Assert.Equal(VpDiscreteSchedule.FromBetas(BetaSchedule.ScaledLinear, 0.00085, 0.012, 1000).Alpha(0.001), schedule.Alpha(0.001), 6);
        var card = ModelCardReader.Parse("""
            { "format": "schedule-search/model@1", "name": "sd21-v", "onnx": "m.onnx",
              "schedule": { "kind": "vp-discrete", "betas": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012, "rescale_betas_zero_snr": true },
              "inputs": { "sample": "sample", "time": "timestep", "time_convention": "discrete-index" },
              "output": { "name": "out_sample", "parameterization": "v" }, "sample_shape": [4, 8, 8] }
            """);
        Assert.True(card.Schedule.RescaleBetasZeroSnr);
        Assert.Equal(schedule.Alpha(1.0), card.Schedule.Create().Alpha(1.0));
    }

    [Theory]
    [InlineData("prompts.npy", "wrong-rank", "inputs.conditioning.encoder_hidden_states")]
    [InlineData("prompts.npy", "wrong-width", "inputs.conditioning.encoder_hidden_states")]
    [InlineData("negative.npy", "wrong-rows", "guidance.negative.encoder_hidden_states")]
    [InlineData("negative.npy", "missing", "guidance.negative.encoder_hidden_states")]
    public void Bad_prompt_arrays_are_refused_naming_the_card_field(string file, string fault, string field)
    {
        using var dir = new TempDirectory();
        var path = TextModels.Write(dir.Path, TextModels.Kind.Sd15);
        var target = Path.Combine(dir.Path, file);
        switch (fault)
        {
            case "wrong-rows":
                Npy.Write(target, new NpyArray([2, 5, 6], new double[60]), float32: true);
                break;
            case "wrong-rank":
                Npy.Write(target, new NpyArray([3, 30], new double[90]), float32: true);
                break;
            case "wrong-width":
                Npy.Write(target, new NpyArray([3, 5, 7], new double[105]), float32: true);
                break;
            default:
                File.Delete(target);
                break;
        }

        var error = Assert.Throws<ModelCardException>(() => OnnxDenoiser.Open(path));

        Assert.Contains($"'{field}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_conditioning_input_the_card_does_not_name_is_refused_naming_it()
    {
        using var dir = new TempDirectory();
        var path = TextModels.Write(dir.Path, TextModels.Kind.Sdxl);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"time_ids\": \"time_ids.npy\",", string.Empty, StringComparison.Ordinal).Replace("\"time_ids\": \"time_ids.npy\"", string.Empty, StringComparison.Ordinal).Replace("\"text_embeds.npy\",\n", "\"text_embeds.npy\"\n", StringComparison.Ordinal));

        var error = Assert.Throws<ModelCardException>(() => OnnxDenoiser.Open(path));

        Assert.Contains("input 'time_ids'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Guidance_on_a_text_model_without_a_negative_prompt_is_refused_naming_the_field()
    {
        using var dir = new TempDirectory();
        var card = ModelCardReader.Read(TextModels.Write(dir.Path, TextModels.Kind.Sd15)) with { Negative = null };

        var error = Assert.Throws<ArgumentException>(() => OnnxDenoiser.Open(card, new OnnxDenoiserOptions { GuidanceScale = 3.0 }));

        Assert.Contains("guidance.negative", error.Message, StringComparison.Ordinal);
    }

    private static double[] Rows(int batch, int size)
    {
        var rng = new Random(batch + size);
        return Enumerable.Range(0, batch * size).Select(_ => (rng.NextDouble() * 2) - 1).ToArray();
    }

    private static (double[] X0, double[] Eps) Predict(Core.Denoising.IDenoiser denoiser, double[] x, double t)
    {
        var (x0, eps) = (new double[x.Length], new double[x.Length]);
        denoiser.Predict(x, x.Length / denoiser.SampleSize, t, x0, eps);
        return (x0, eps);
    }
}
