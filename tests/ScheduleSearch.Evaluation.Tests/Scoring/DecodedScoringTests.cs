using System.Text.Json;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Spacings;
using ScheduleSearch.Evaluation.NoiseSets;
using ScheduleSearch.Evaluation.References;
using ScheduleSearch.Evaluation.Tests.Support;
using ScheduleSearch.Models.Cards;
using ScheduleSearch.Models.Onnx;
using ScheduleSearch.Storage;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Evaluation.Tests.Scoring;

/// <summary>
/// A spec that decodes (<c>"metric": { "decode": true }</c>) scores teacher metrics on the images the card's VAE
/// decoder draws of the sample and of the teacher's sample, on the random SD 1.5 card with an optimum-shaped decoder
/// (<see cref="TextModels"/>: 4 x 4 x 4 latents, 3 x 32 x 32 images).
/// </summary>
public sealed class DecodedScoringTests : IDisposable
{
    private const int Samples = 6;
    private const int HeldOut = 5;
    private readonly TempDirectory dir = new();
    private readonly OnnxDenoiser model;
    private readonly OnnxLatentDecoder decoder;

    public DecodedScoringTests()
    {
        var card = TextModels.Write(dir.Path, TextModels.Kind.Sd15, decoder: true);
        model = OnnxDenoiser.Open(card);
        decoder = OnnxLatentDecoder.Open(ModelCardReader.Read(card));
    }

    [Fact]
    public void A_decoded_teacher_rmse_is_the_rmse_of_the_decoded_sample_against_the_decoded_teacher_sample_and_so_are_its_per_sample_errors()
    {
        var evaluator = Evaluator("teacher-rmse", decode: true, decoder);
        var schedule = Ddim(3);

        var scored = evaluator.Evaluate([schedule], EvaluationRequest.Default)[0];

        // By hand: the candidate's latents on the same noise, both decoded, then sqrt(mean((x - t) ** 2)) over every pixel.
        var latents = TeacherReferences.Solve(model, schedule, NoiseSet.Create(new NoiseSpec(0, Samples), model.SampleSize), new TeacherRunOptions { Verify = false });
        var teacher = evaluator.Teacher()!.Samples.ToArray();
        var (images, teacherImages) = (Decode(latents), Decode(teacher));
        Assert.Equal(Samples * 3 * 32 * 32, images.Length);
        var expected = Math.Sqrt(images.Zip(teacherImages, (x, t) => (x - t) * (x - t)).Sum() / images.Length);
        Assert.Equal(EvaluationStatus.Ok, scored.Status);
        Assert.Equal(expected, scored.Score, expected * 1e-9);

        // Samples run outside the scorer (an export's target run) are scored the same way.
        Assert.Equal(expected, evaluator.ScoreSamples(latents, heldOut: false), expected * 1e-9);

        // The same figure on the latents is another number: the score is a pixel error, not a latent one.
        var latentRmse = Math.Sqrt(latents.Zip(teacher, (x, t) => (x - t) * (x - t)).Sum() / latents.Length);
        Assert.True(Math.Abs(latentRmse - expected) > 1e-3 * expected, $"latent {latentRmse}, decoded {expected}");

        // Per-sample errors (median, ± SE in show) are pixel RMSEs too.
        var size = decoder.ImageSize;
        var perSample = Enumerable.Range(0, Samples)
            .Select(i => Math.Sqrt(Enumerable.Range(i * size, size).Sum(v => (images[v] - teacherImages[v]) * (images[v] - teacherImages[v])) / size))
            .Order().ToArray();
        using var details = JsonDocument.Parse(scored.DetailsJson!);
        Assert.Equal(0.5 * (perSample[2] + perSample[3]), details.RootElement.GetProperty("median_error").GetDouble(), expected * 1e-9);
        Assert.True(details.RootElement.GetProperty("rmse_se").GetDouble() > 0);
    }

    [Fact]
    public void The_teacher_is_decoded_once_per_reference_however_many_candidates_and_fidelities_are_scored()
    {
        var counting = new CountingDecoder(decoder);
        var evaluator = Evaluator("teacher-mean-rmse", decode: true, counting);
        SamplerSchedule[] candidates = [Ddim(3), Ddim(4), Preset("dpm-solver++-2m", 4)];

        evaluator.Evaluate(candidates, EvaluationRequest.Default);
        evaluator.Evaluate(candidates, new EvaluationRequest { Fidelity = 4 });
        evaluator.Evaluate(candidates[..2], new EvaluationRequest { HeldOut = true });
        evaluator.Evaluate(candidates, EvaluationRequest.Default);

        // One call per candidate scored (3 + 3 + 2; the repeat is cached) and one per teacher (main, held-out).
        Assert.Equal(8 + 2, counting.Calls);
        Assert.Equal((3 * Samples) + (3 * 4) + (2 * HeldOut) + Samples + HeldOut, counting.Rows);
    }

    [Fact]
    public void A_decoded_teacher_metric_is_keyed_apart_from_the_same_metric_on_latents()
    {
        var latent = Evaluator("teacher-rmse", decode: false, null);
        var decoded = Evaluator("teacher-rmse", decode: true, decoder);

        Assert.NotEqual(latent.KeyOf(Ddim(3), EvaluationRequest.Default), decoded.KeyOf(Ddim(3), EvaluationRequest.Default));
        Assert.StartsWith("{\"decode\":true,", decoded.MetricSpecJson, StringComparison.Ordinal);
        Assert.DoesNotContain("decode", latent.MetricSpecJson, StringComparison.Ordinal);
    }

    [Fact]
    public void Decoding_without_a_decoder_or_for_gmm_nll_is_refused_naming_decode()
    {
        var missing = Assert.Throws<ArgumentException>(() => Evaluator("teacher-rmse", decode: true, null));
        var gmm = Assert.Throws<ArgumentException>(() => new ScheduleEvaluator(
            TestModels.Denoiser(), "gmm", TestModels.Spec("gmm-nll") with { Decode = true }, new InMemoryScoreStore(), TestModels.Options with { Decoder = decoder }));

        Assert.StartsWith("decode: scoring decoded images needs the model card's VAE decoder", missing.Message, StringComparison.Ordinal);
        Assert.StartsWith("decode: metric gmm-nll scores the latents themselves; decoding applies to teacher-rmse, teacher-mean-rmse, teacher-relative, fd, kid", gmm.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        decoder.Dispose();
        model.Dispose();
        dir.Dispose();
    }

    private ScheduleEvaluator Evaluator(string kind, bool decode, ILatentDecoder? latentDecoder)
    {
        var spec = new MetricSpec
        {
            Kind = kind,
            Decode = decode,
            Samples = Samples,
            Seed = 0,
            HeldOutSamples = HeldOut,
            HeldOutSeed = 1,
            Teacher = new TeacherSpec { Preset = "dpm-solver++-2m", Nfe = 12, Spacing = "time-uniform" },
        };
        return new ScheduleEvaluator(model, "sd15", spec, new InMemoryScoreStore(), new ScheduleEvaluatorOptions { VerifyTeacher = false, Decoder = latentDecoder });
    }

    private SamplerSchedule Ddim(int nfe) => Preset("ddim", nfe);

    private SamplerSchedule Preset(string name, int nfe) => PresetCatalog.Create(name, model.Schedule, nfe, Spacing.TimeUniform);

    private double[] Decode(double[] latents)
    {
        var count = latents.Length / decoder.LatentSize;
        var images = new double[count * decoder.ImageSize];
        decoder.Decode(latents, count, images);
        return images;
    }
}
