using ScheduleSearch.Evaluation.Metrics;
using ScheduleSearch.Evaluation.References;
using ScheduleSearch.Models.Onnx;

namespace ScheduleSearch.Evaluation.Scoring;

/// <summary>
/// The values finished samples are scored on: the samples themselves or, for a spec that decodes
/// (<see cref="MetricSpec.Decode"/>), the images the card's VAE decoder draws of them. The teacher's samples go into
/// the same space once per reference (<see cref="ReferenceSets"/> keeps them with its prepared set), a candidate's
/// once per evaluation; the metric and the robust summary both read these values, so a decoded teacher metric and the
/// per-sample errors beside it (held-out ± SE) are pixel errors.
/// </summary>
internal sealed class ScoringSpace
{
    private readonly ILatentDecoder? decoder;

    private ScoringSpace(ILatentDecoder? decoder, int sampleSize)
    {
        this.decoder = decoder;
        SampleSize = sampleSize;
    }

    /// <summary>Values per scored sample: the model's sample size, or a decoded image's.</summary>
    public int SampleSize { get; }

    /// <summary>True when samples are scored as decoded images.</summary>
    public bool Decodes => decoder is not null;

    /// <summary>
    /// The space <paramref name="spec"/> scores samples of <paramref name="latentSize"/> values in. Throws
    /// <see cref="ArgumentException"/> for a decoding spec whose metric cannot score images, that has no decoder, or
    /// whose decoder takes other latents.
    /// </summary>
    public static ScoringSpace For(MetricSpec spec, IQualityMetric metric, ILatentDecoder? decoder, int latentSize)
    {
        if (!spec.Decode)
        {
            return new ScoringSpace(null, latentSize);
        }

        if (!metric.ScoresDecodedImages)
        {
            throw new ArgumentException($"decode: {MetricCatalog.DecodeProblem(spec.Kind)}", nameof(spec));
        }

        if (decoder is null)
        {
            throw new ArgumentException("decode: scoring decoded images needs the model card's VAE decoder (ScheduleEvaluatorOptions.Decoder)", nameof(decoder));
        }

        if (decoder.LatentSize != latentSize)
        {
            throw new ArgumentException($"the decoder takes latents of {decoder.LatentSize} values; the model's samples have {latentSize}", nameof(decoder));
        }

        return new ScoringSpace(decoder, decoder.ImageSize);
    }

    /// <summary>The <paramref name="count"/> samples of <paramref name="samples"/> in this space (the array itself when nothing is decoded).</summary>
    public double[] Of(double[] samples, int count, CancellationToken cancellationToken)
    {
        if (decoder is null)
        {
            return samples;
        }

        var images = new double[count * SampleSize];
        decoder.Decode(samples, count, images, cancellationToken);
        return images;
    }

    /// <summary>Every row of the teacher's samples in this space (the reference's own array when nothing is decoded).</summary>
    public ReadOnlyMemory<double> Of(TeacherReference teacher, CancellationToken cancellationToken)
    {
        if (decoder is null)
        {
            return teacher.Samples;
        }

        var images = new double[teacher.Count * SampleSize];
        decoder.Decode(teacher.Samples.Span, teacher.Count, images, cancellationToken);
        return images;
    }
}
