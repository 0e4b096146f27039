using System.Buffers.Binary;
using System.Text.Json;
using ScheduleSearch.Cli.Tests.Support;
using ScheduleSearch.Models.Arrays;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Cli.Tests.InProcess;

/// <summary>
/// Bring your own model, end to end through the CLI: cards for SD 1.5 (int64 timestep), its float16 export, SDXL and SD3
/// on small random-weight graphs with the real exports' names, shapes and dtypes (<see cref="TextModels"/>) are
/// inspected, searched with guidance against their negative prompt, exported and sampled; the SD 1.5 card with a
/// decoder scores and draws decoded images; bad cards are refused by <c>model inspect</c> naming the card field.
/// </summary>
public sealed class SdClassCardCommandTests
{
    [Theory]
    [InlineData(TextModels.Kind.Sd15)]
    [InlineData(TextModels.Kind.Sd15Float16)]
    [InlineData(TextModels.Kind.Sdxl)]
    [InlineData(TextModels.Kind.Sd3)]
    public void An_sd_class_card_passes_inspect_searches_guided_against_its_negative_prompt_exports_and_samples(TextModels.Kind kind)
    {
        using var dir = new TempDirectory();
        var card = TextModels.Write(dir.Path, kind);

        var inspect = CliRun.Run("model", "inspect", card);
        Assert.True(inspect.ExitCode == 0, inspect.ToString());

        var spec = dir.Write("sd.search.json", TeacherSpec($"byo {kind}", card, nfe: 3, guidance: 4, samples: 6, evaluations: 6, "\"ddim\", \"dpm-solver++-2m\""));
        var run = CliRun.Run("run", spec, "--db", dir.File("s.db"));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"finished 'byo {kind}'", run.Stderr + run.Stdout, StringComparison.Ordinal);

        var export = CliRun.Run("export", $"byo {kind}", "--db", dir.File("s.db"), "--nfe", "3", "--format", "all", "--out", dir.File("export") + Path.DirectorySeparatorChar);
        Assert.True(export.ExitCode == 0, export.ToString());
        var written = Directory.GetFiles(dir.File("export"));
        Assert.Equal(4, written.Length);
        var schedule = Assert.Single(written, f => f.EndsWith(".json", StringComparison.Ordinal) && !f.Contains("comfy", StringComparison.Ordinal) && !f.Contains("diffusers", StringComparison.Ordinal) && !f.Contains("k-diffusion", StringComparison.Ordinal));

        // Sample the exported winner, guided against the negative prompt, on prompts 2 and 0.
        Npy.Write(dir.File("noise.npy"), new NpyArray([2, 4, 4, 4], Noise(2 * 64)), float32: true);
        var sample = CliRun.Run("sample", "--model", card, "--schedule", schedule, "--noise", dir.File("noise.npy"), "--out", dir.File("x.npy"), "--guidance", "4", "--prompts", "2,0");
        Assert.True(sample.ExitCode == 0, sample.ToString());
        var x = Npy.Read(dir.File("x.npy"));
        Assert.Equal([2, 4, 4, 4], x.Shape);
        Assert.All(x.Data, v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void A_search_on_the_sd3_card_scores_its_shifted_flow_spacing_as_a_baseline_beside_the_listed_spacings()
    {
        using var dir = new TempDirectory();
        var card = TextModels.Write(dir.Path, TextModels.Kind.Sd3);
        var spec = dir.Write("sd3.search.json", TeacherSpec("sd3 shift", card, nfe: 4, guidance: 3, samples: 4, evaluations: 2, "\"ddim\""));

        var run = CliRun.Run("run", spec, "--db", dir.File("s.db"));
        var show = CliRun.Run("show", "sd3 shift", "--db", dir.File("s.db"), "--top", "5");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("ddim (flow-shift(3))", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("ddim (time-uniform)", show.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sd15_card_with_a_decoder_searches_on_features_of_decoded_images_and_sample_draws_them_at_the_decoded_size()
    {
        using var dir = new TempDirectory();
        var card = TextModels.Write(dir.Path, TextModels.Kind.Sd15, decoder: true);
        TextModels.WriteImageFeatures(dir.File("features.onnx"));
        var inspect = CliRun.Run("model", "inspect", card);
        Assert.True(inspect.ExitCode == 0, inspect.ToString());

        var spec = dir.Write("decoded.search.json", $$"""
            {
              "format": "schedule-search/search@1", "name": "sd15 decoded", "model": "{{Json(card)}}", "nfe": [3],
              "guidance": { "scale": 5, "prompts": [0, 2] },
              "metric": { "kind": "fd", "decode": true, "samples": 12, "seed": 0, "heldout": { "samples": 12, "seed": 1 },
                          "teacher": { "preset": "dpm-solver++-2m", "nfe": 12, "spacing": "time-uniform" },
                          "features": { "onnx": "{{Json(dir.File("features.onnx"))}}" } },
              "strategy": { "kind": "random", "seed": 0 }, "budget": { "evaluations": 4 },
              "baselines": ["ddim", "dpm-solver++-2m"], "baseline_spacings": ["time-uniform"]
            }
            """);
        var run = CliRun.Run("run", spec, "--db", dir.File("d.db"));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("fd", run.Stdout, StringComparison.Ordinal);

        Assert.Equal(0, CliRun.Run("schedule", "preset", "dpm-solver++-2m", "--model", card, "--nfe", "3", "--out", dir.File("s.json")).ExitCode);
        Npy.Write(dir.File("noise.npy"), new NpyArray([4, 4, 4, 4], Noise(4 * 64)), float32: true);
        var sample = CliRun.Run("sample", "--model", card, "--schedule", dir.File("s.json"), "--noise", dir.File("noise.npy"), "--out", dir.File("x.npy"), "--guidance", "5", "--png", dir.File("grid.png"));
        Assert.True(sample.ExitCode == 0, sample.ToString());

        // 4 images in a 2 x 2 grid of decoded 3 x 32 x 32 images (3 pixels per pixel, 2-pixel gaps): 198 x 198, where the
        // 4 x 4 latents themselves would give 32 x 32 (and have no image shape: 4 channels).
        var png = File.ReadAllBytes(dir.File("grid.png"));
        var (width, height) = (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
        var image = TextModels.LatentSide * TextModels.DecoderFactor;
        Assert.Equal((2 * ((image * 3) + 2)) + 2, width);
        Assert.Equal(width, height);

        // The report's grids are drawn through the same decoder: 4 decoded images at scale 2 (the latents have no image shape).
        var report = CliRun.Run("report", "sd15 decoded", "--db", dir.File("d.db"), "--out", dir.File("r.html"), "--samples", "4");
        Assert.True(report.ExitCode == 0, report.ToString());
        var grids = GridPngs(File.ReadAllText(dir.File("r.html")));
        Assert.Equal(3, grids.Count);
        Assert.All(grids, grid => Assert.Equal((2 * ((image * 2) + 2)) + 2, BinaryPrimitives.ReadInt32BigEndian(grid.AsSpan(16, 4))));
    }

    /// <summary>The PNG bytes of every figure a report inlines.</summary>
    private static List<byte[]> GridPngs(string html)
    {
        const string Prefix = "src=\"data:image/png;base64,";
        var pngs = new List<byte[]>();
        for (var at = html.IndexOf(Prefix, StringComparison.Ordinal); at >= 0; at = html.IndexOf(Prefix, at + 1, StringComparison.Ordinal))
        {
            var start = at + Prefix.Length;
            pngs.Add(Convert.FromBase64String(html[start..html.IndexOf('"', start)]));
        }

        return pngs;
    }

    [Fact]
    public void A_teacher_rmse_search_on_decoded_images_finishes_and_show_has_held_out_pixel_scores_apart_from_the_latent_ones()
    {
        using var dir = new TempDirectory();
        var card = TextModels.Write(dir.Path, TextModels.Kind.Sd15, decoder: true);
        var latent = TeacherSpec("sd15 latents", card, nfe: 3, guidance: 5, samples: 6, evaluations: 3, "\"ddim\"");
        var decoded = latent.Replace("sd15 latents", "sd15 pixels", StringComparison.Ordinal)
            .Replace("\"kind\": \"teacher-rmse\",", "\"kind\": \"teacher-rmse\", \"decode\": true,", StringComparison.Ordinal);
        Assert.NotEqual(latent, decoded.Replace("sd15 pixels", "sd15 latents", StringComparison.Ordinal));

        // The latent search first, in the same database: the decoded one must score anew, not reuse its keys.
        foreach (var (name, text) in new[] { ("latents", latent), ("pixels", decoded) })
        {
            var run = CliRun.Run("run", dir.Write($"{name}.search.json", text), "--db", dir.File("s.db"));
            Assert.True(run.ExitCode == 0, run.ToString());
        }

        var latentShow = ShowJson(dir, "sd15 latents");
        var pixelShow = ShowJson(dir, "sd15 pixels");
        Assert.Equal("teacher-rmse", pixelShow.GetProperty("metric").GetString());
        var nfe = Assert.Single(pixelShow.GetProperty("per_nfe").EnumerateArray());
        foreach (var entry in new[] { nfe.GetProperty("best"), nfe.GetProperty("best_baseline") })
        {
            Assert.InRange(entry.GetProperty("heldout").GetDouble(), 1e-9, 2.0);
            Assert.InRange(entry.GetProperty("heldout_se").GetDouble(), 1e-12, entry.GetProperty("heldout").GetDouble());
        }

        // ddim's held-out teacher-rmse in pixels (tanh images in [-1, 1]) is another figure than on the latents.
        var latentDdim = latentShow.GetProperty("per_nfe")[0].GetProperty("best_baseline").GetProperty("heldout").GetDouble();
        var pixelDdim = nfe.GetProperty("best_baseline").GetProperty("heldout").GetDouble();
        Assert.NotEqual(latentDdim, pixelDdim);

        // evaluate --decode re-scores the search's ddim as it scored it (the same key: a cache hit), without --decode the latent one.
        Assert.Equal(0, CliRun.Run("schedule", "preset", "ddim", "--model", card, "--nfe", "3", "--spacing", "time-uniform", "--out", dir.File("ddim.json")).ExitCode);
        string[] evaluate = ["evaluate", "--model", card, "--schedule", dir.File("ddim.json"), "--db", dir.File("s.db"), "--heldout", "--json", "--guidance", "5",
            "--metric", "teacher-rmse", "--samples", "6", "--teacher", "dpm-solver++-2m", "--teacher-nfe", "12", "--teacher-spacing", "time-uniform"];
        foreach (var (flags, expected) in new[] { (new[] { "--decode" }, pixelDdim), (Array.Empty<string>(), latentDdim) })
        {
            var result = CliRun.Run([.. evaluate, .. flags]);
            Assert.True(result.ExitCode == 0, result.ToString());
            using var json = JsonDocument.Parse(result.Stdout);
            Assert.True(json.RootElement.GetProperty("cache_hit").GetBoolean(), result.ToString());
            Assert.Equal(expected, json.RootElement.GetProperty("score").GetDouble(), expected * 1e-12);
        }

        var gmm = CliRun.Run([.. evaluate[..^10], "--metric", "gmm-nll", "--decode"]);
        Assert.Equal(2, gmm.ExitCode);
        Assert.Contains("--decode: metric gmm-nll scores the latents themselves; decoding applies to teacher-rmse", gmm.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing-conditioning", "the ONNX graph has input 'time_ids'", "'inputs.conditioning'")]
    [InlineData("wrong-rows", "card field 'inputs.conditioning.text_embeds': 'text_embeds.npy' has 2 rows", "another conditioning array has 3")]
    [InlineData("wrong-dtype", "card field 'inputs.conditioning.encoder_hidden_states': 'prompts.npy' has dtype '<i4'", "needs a float array")]
    [InlineData("negative-width", "card field 'guidance.negative.encoder_hidden_states': 'negative.npy' has shape [1, 5, 7]", "fixes axis 2 at 6")]
    [InlineData("decoder-shape", "decoder.input: 'latent_sample' has shape [?, 4, 8, 8]", "the latents have sample_shape [4, 4, 4]")]
    public void Model_inspect_refuses_a_bad_card_or_array_naming_the_field_and_what_it_expected(string fault, string found, string expected)
    {
        using var dir = new TempDirectory();
        var card = TextModels.Write(dir.Path, fault is "missing-conditioning" or "wrong-rows" ? TextModels.Kind.Sdxl : TextModels.Kind.Sd15, decoder: fault == "decoder-shape");
        switch (fault)
        {
            case "missing-conditioning":
                // The card forgets SDXL's time_ids: the graph has an input nobody feeds.
                var text = File.ReadAllText(card);
                File.WriteAllText(card, text.Replace(",\n      \"time_ids\": \"time_ids.npy\"", string.Empty, StringComparison.Ordinal));
                Assert.NotEqual(text, File.ReadAllText(card));
                break;
            case "wrong-rows":
                Npy.Write(dir.File("text_embeds.npy"), new NpyArray([2, 8], new double[16]), float32: true);
                break;
            case "wrong-dtype":
                // Prompt rows saved as integers ('<i4'), for a float input.
                Npy.Write(dir.File("prompts.npy"), new NpyArray([3, 5, 6], new double[90]), float32: true);
                var bytes = File.ReadAllBytes(dir.File("prompts.npy"));
                var header = System.Text.Encoding.ASCII.GetString(bytes).IndexOf("<f4", StringComparison.Ordinal);
                System.Text.Encoding.ASCII.GetBytes("<i4").CopyTo(bytes, header);
                File.WriteAllBytes(dir.File("prompts.npy"), bytes);
                break;
            case "negative-width":
                Npy.Write(dir.File("negative.npy"), new NpyArray([1, 5, 7], new double[35]), float32: true);
                break;
            default:
                // A decoder made for 8 x 8 latents on a card whose latents are 4 x 4.
                TextModels.WriteDecoder(dir.File(TextModels.DecoderFile), TextModels.LatentChannels, 2 * TextModels.LatentSide);
                break;
        }

        var result = CliRun.Run("model", "inspect", card);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(found, result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.Contains(expected, result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>A tiny guided teacher-rmse search on <paramref name="card"/>: random strategy, baselines on time-uniform.</summary>
    private static string TeacherSpec(string name, string card, int nfe, double guidance, int samples, int evaluations, string baselines) => $$"""
        {
          "format": "schedule-search/search@1", "name": "{{name}}", "model": "{{Json(card)}}", "nfe": [{{nfe}}],
          "guidance": { "scale": {{guidance.ToString(System.Globalization.CultureInfo.InvariantCulture)}} },
          "metric": { "kind": "teacher-rmse", "samples": {{samples}}, "seed": 0, "heldout": { "samples": {{samples}}, "seed": 1 },
                      "teacher": { "preset": "dpm-solver++-2m", "nfe": 12, "spacing": "time-uniform" } },
          "strategy": { "kind": "random", "seed": 0 }, "budget": { "evaluations": {{evaluations}} },
          "baselines": [{{baselines}}], "baseline_spacings": ["time-uniform"]
        }
        """;

    private static JsonElement ShowJson(TempDirectory dir, string search)
    {
        var show = CliRun.Run("show", search, "--db", dir.File("s.db"), "--json");
        Assert.True(show.ExitCode == 0, show.ToString());
        return JsonDocument.Parse(show.Stdout).RootElement.Clone();
    }

    private static string Json(string path) => path.Replace("\\", "\\\\", StringComparison.Ordinal);

    private static double[] Noise(int count)
    {
        var random = new Random(count);
        return Enumerable.Range(0, count).Select(_ => (random.NextDouble() * 2) - 1).ToArray();
    }
}
