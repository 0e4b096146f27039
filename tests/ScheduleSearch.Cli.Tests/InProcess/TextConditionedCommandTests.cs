using System.Buffers.Binary;
using ScheduleSearch.Cli.Infrastructure;
using ScheduleSearch.Cli.Tests.Support;
using ScheduleSearch.Models.Arrays;
using ScheduleSearch.Models.Cards;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Cli.Tests.InProcess;

/// <summary>
/// The zoo's latent text-conditioned model (models/fashion-ldm) through the CLI: the files its card names are part of
/// its identity, <c>sample</c> guides against the empty prompt and draws decoded images, and a decoded-fd spec runs.
/// </summary>
public sealed class TextConditionedCommandTests
{
    private static readonly string Ldm = Path.Combine(CliProcess.RepositoryRoot, "models", "fashion-ldm");

    [Fact]
    public void Changing_a_prompt_array_or_the_decoder_changes_the_models_identity()
    {
        using var dir = new TempDirectory();
        var card = CopyLdm(dir.Path);
        var before = Hash(card);
        Assert.Equal(before, Hash(card));

        var prompts = Npy.Read(Path.Combine(dir.Path, "prompts.npy"));
        var changed = (double[])prompts.Data.Clone();
        changed[0] += 0.5;
        Npy.Write(Path.Combine(dir.Path, "prompts.npy"), new NpyArray(prompts.Shape, changed), float32: true);
        var afterPrompt = Hash(card);

        var decoder = Path.Combine(dir.Path, "vae_decoder", "model.onnx");
        File.AppendAllText(decoder, " ");
        var afterDecoder = Hash(card);

        Assert.Equal(3, new[] { before, afterPrompt, afterDecoder }.Distinct().Count());
    }

    [Fact]
    public void A_card_that_names_no_other_file_keeps_the_hash_of_its_network_and_text()
    {
        var cardPath = Path.Combine(CliProcess.RepositoryRoot, "models", "fashion-unet-v", "model.json");
        var card = ModelCardReader.Read(cardPath);
        Assert.Single(card.NamedFiles);
        var bytes = File.ReadAllBytes(card.OnnxPath).Concat(System.Text.Encoding.UTF8.GetBytes("\n" + File.ReadAllText(cardPath).ReplaceLineEndings("\n"))).ToArray();

        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), ModelIdentity.ContentHash(card, cardPath));
    }

    [Fact]
    public void Sample_guides_listed_prompts_and_draws_decoded_images()
    {
        using var dir = new TempDirectory();
        var card = Path.Combine(Ldm, "model.json");
        Assert.Equal(0, CliRun.Run("schedule", "preset", "dpm-solver++-2m", "--model", card, "--nfe", "8", "--out", dir.File("s.json")).ExitCode);
        var noise = new double[4 * 196];
        var random = new Random(3);
        for (var i = 0; i < noise.Length; i++)
        {
            noise[i] = (random.NextDouble() * 2) - 1;
        }

        Npy.Write(dir.File("noise.npy"), new NpyArray([4, 4, 7, 7], noise), float32: true);
        string[] sample = ["sample", "--model", card, "--schedule", dir.File("s.json"), "--noise", dir.File("noise.npy")];

        var guided = CliRun.Run([.. sample, "--out", dir.File("g.npy"), "--guidance", "5", "--prompts", "0,7", "--png", dir.File("g.png")]);
        var plain = CliRun.Run([.. sample, "--out", dir.File("p.npy")]);

        Assert.True(guided.ExitCode == 0, guided.ToString());
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.NotEqual(Npy.Read(dir.File("g.npy")).Data, Npy.Read(dir.File("p.npy")).Data);

        // The grid holds 2 x 2 decoded 28 x 28 images (3 pixels per pixel), not 7 x 7 latents.
        var png = File.ReadAllBytes(dir.File("g.png"));
        var width = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4));
        Assert.True(width >= 2 * 28 * 3, $"grid width {width}");
    }

    [Fact]
    public void Sample_refuses_prompt_rows_beyond_the_cards_prompts_naming_them()
    {
        using var dir = new TempDirectory();
        var card = Path.Combine(Ldm, "model.json");
        Assert.Equal(0, CliRun.Run("schedule", "preset", "ddim", "--model", card, "--nfe", "3", "--out", dir.File("s.json")).ExitCode);
        Npy.Write(dir.File("noise.npy"), new NpyArray([1, 4, 7, 7], new double[196]), float32: true);
        string[] sample = ["sample", "--model", card, "--schedule", dir.File("s.json"), "--noise", dir.File("noise.npy"), "--out", dir.File("o.npy")];

        var beyond = CliRun.Run([.. sample, "--prompts", "0,10"]);
        var text = CliRun.Run([.. sample, "--prompts", "one"]);

        Assert.Equal(2, beyond.ExitCode);
        Assert.Contains("guidance.prompts[1]: row 10 is not below the 10 prompts", beyond.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, text.ExitCode);
        Assert.Contains("--prompts: 'one' is not a row number", text.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("o.npy")));
    }

    [Fact]
    public void A_decoded_fd_search_runs_and_a_decoder_that_does_not_take_the_latents_is_refused_naming_decoder_input()
    {
        using var dir = new TempDirectory();
        var card = CopyLdm(dir.Path);
        var classifier = Path.Combine(CliProcess.RepositoryRoot, "models", "fashion-classifier");
        var spec = $$"""
            {
              "format": "schedule-search/search@1", "name": "ldm decoded", "model": "{{card}}", "nfe": [4],
              "guidance": { "scale": 4, "prompts": [1, 3] },
              "metric": { "kind": "fd", "decode": true, "samples": 16, "seed": 0, "heldout": { "samples": 16, "seed": 1 },
                          "features": { "onnx": "{{Path.Combine(classifier, "features.onnx")}}",
                                            "mean": "{{Path.Combine(classifier, "features_mean.npy")}}",
                                            "covariance": "{{Path.Combine(classifier, "features_cov.npy")}}" } },
              "strategy": { "kind": "random", "seed": 0 }, "budget": { "evaluations": 2 },
              "baselines": ["ddim"], "baseline_spacings": ["time-uniform"]
            }
            """;

        var run = CliRun.Run("run", dir.Write("ok.search.json", spec), "--db", dir.File("ok.db"));
        Assert.True(run.ExitCode == 0, run.ToString());

        // A decoder whose input is an image, not a 4 x 7 x 7 latent (the classifier's feature network).
        var text = File.ReadAllText(card)
            .Replace("vae_decoder/model.onnx", Path.Combine(classifier, "features.onnx"), StringComparison.Ordinal)
            .Replace("\"latent_sample\"", "\"x\"", StringComparison.Ordinal);
        File.WriteAllText(card, text);
        var bad = CliRun.Run("run", dir.Write("bad.search.json", spec.Replace("ldm decoded", "ldm bad", StringComparison.Ordinal)), "--db", dir.File("bad.db"));

        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("decoder.input: 'x' has shape [?, 1, 28, 28]; the latents have sample_shape [4, 7, 7]", bad.Stderr, StringComparison.Ordinal);
    }

    private static string Hash(string card) => ModelIdentity.ContentHash(ModelCardReader.Read(card), card);

    private static string CopyLdm(string target)
    {
        foreach (var file in Directory.GetFiles(Ldm, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".png", StringComparison.Ordinal)))
        {
            var to = Path.Combine(target, Path.GetRelativePath(Ldm, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }

        return Path.Combine(target, "model.json");
    }
}
