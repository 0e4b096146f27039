using System.Globalization;
using System.Net;
using System.Text;
using ScheduleSearch.Cli.Infrastructure;
using ScheduleSearch.Cli.Plots;
using ScheduleSearch.Core.Solvers;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Evaluation.NoiseSets;
using ScheduleSearch.Evaluation.References;
using ScheduleSearch.Models.Onnx;
using ScheduleSearch.Search.Results;

namespace ScheduleSearch.Cli.Reports.Html;

/// <summary>
/// The sample grids of <c>report</c>'s schedules section for an image model: the teacher, the best schedule found and the
/// best baseline per NFE, each run on the first rows of the search's held-out noise (with the spec's guidance, so sample
/// i asks for the class it asked for while scoring), drawn as PNG and inlined as <c>data:</c> URLs. Grids are kept per
/// schedule key, so <c>--watch</c> samples only schedules that are new since its last page. A latent model's samples
/// are drawn as the images its card's decoder makes of them, as <c>sample --png</c> draws them.
/// </summary>
internal sealed class SampleGrids : IDisposable
{
    private readonly LoadedModel model;
    private readonly OnnxLatentDecoder? decoder;
    private readonly NoiseSet noise;
    private readonly (int Channels, int Height, int Width) shape;
    private readonly Dictionary<string, string> byKey = [];
    private readonly TeacherSpec teacherSpec;
    private string? teacher;

    private SampleGrids(LoadedModel model, OnnxLatentDecoder? decoder, NoiseSet noise, (int Channels, int Height, int Width) shape, TeacherSpec teacherSpec)
    {
        this.model = model;
        this.decoder = decoder;
        this.noise = noise;
        this.shape = shape;
        this.teacherSpec = teacherSpec;
    }

    /// <summary>
    /// Grids of <paramref name="count"/> samples for the search's model, or null (with a line on <paramref name="output"/>
    /// saying why) when the count is 0, the model is not an image model or its card cannot be found.
    /// </summary>
    public static SampleGrids? Open(SearchResults summary, int count, string device, CliOutput output)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(output);
        if (count <= 0)
        {
            return null;
        }

        var cardPath = summary.Model?.Path ?? summary.Spec?.ModelPath;
        if (cardPath is null || !File.Exists(cardPath))
        {
            output.Log($"no sample grids: the model card '{cardPath ?? "(not recorded)"}' is not on this machine");
            return null;
        }

        var settings = new SessionSettings { Guidance = summary.Spec?.Guidance ?? SessionSettings.Default.Guidance };
        var model = LoadedModel.Open(cardPath, SamplingSetup.DenoiserOptions(cardPath, device, output, settings));
        OnnxLatentDecoder? decoder = null;
        try
        {
            decoder = model.Card.Decoder is null ? null : OnnxLatentDecoder.Open(model.Card, device, batch: count);
            if (ImageShapeOf(decoder?.ImageShape ?? model.Card.SampleShape) is not { } shape)
            {
                decoder?.Dispose();
                model.Dispose();
                return null;
            }

            var metric = summary.Spec?.Metric ?? new MetricSpec();
            return new SampleGrids(model, decoder, NoiseSet.Create(new NoiseSpec(metric.HeldOutSeed, count), model.Primary.SampleSize), shape, metric.Teacher);
        }
        catch
        {
            decoder?.Dispose();
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The shape to draw samples of <paramref name="sampleShape"/> in: images ([C, H, W], [H, W]) and flat vectors of a
    /// 28 x 28 or larger square image; null for anything else (a 64-value mixture is not an 8 x 8 picture).
    /// </summary>
    public static (int Channels, int Height, int Width)? ImageShapeOf(IReadOnlyList<int> sampleShape)
    {
        ArgumentNullException.ThrowIfNull(sampleShape);
        return sampleShape.Count == 1 && sampleShape[0] < 28 * 28 ? null : ImageGrid.ImageShape(sampleShape);
    }

    /// <summary>The grids' HTML for one NFE: teacher, best found and best baseline side by side (empty when there is no best).</summary>
    public string For(NfeSummary nfe, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nfe);
        if (nfe.Best is null)
        {
            return string.Empty;
        }

        teacher ??= Png(TeacherSamples(cancellationToken), cancellationToken);
        var html = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"<div class=\"grids\" data-nfe=\"{nfe.Nfe}\">"));
        Figure(html, "teacher", string.Create(CultureInfo.InvariantCulture, $"teacher: {teacherSpec.Preset}, {teacherSpec.Nfe} steps"), teacher);
        Figure(html, "best", "best found: " + nfe.Best.Schedule.Name, Grid(nfe.Best, cancellationToken));
        if (nfe.BestBaseline is { } baseline)
        {
            Figure(html, "baseline", "best baseline: " + baseline.Schedule.Name, Grid(baseline, cancellationToken));
        }

        return html.Append("</div>").ToString();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        decoder?.Dispose();
        model.Dispose();
    }

    private static void Figure(StringBuilder html, string role, string caption, string png) =>
        html.Append("<figure data-role=\"").Append(role).Append("\"><img alt=\"").Append(WebUtility.HtmlEncode(caption)).Append("\" src=\"data:image/png;base64,")
            .Append(png).Append("\"><figcaption>").Append(WebUtility.HtmlEncode(caption)).Append("</figcaption></figure>");

    private string Grid(ScoredEntry entry, CancellationToken cancellationToken)
    {
        if (!byKey.TryGetValue(entry.Record.ScheduleKey, out var png))
        {
            var schedule = entry.Schedule;
            var x = new double[noise.Count * noise.SampleSize];
            Sampler.InitialState(model.Primary.Schedule, schedule.Timesteps[0], noise.Rows(0, noise.Count), x);
            new Sampler(model.Primary, model.Statistics, model.Variants, model.Ems).Run(schedule, x, noise.Count, null, cancellationToken);
            byKey[entry.Record.ScheduleKey] = png = Png(x, cancellationToken);
        }

        return png;
    }

    private double[] TeacherSamples(CancellationToken cancellationToken)
    {
        var schedule = TeacherReferences.Schedule(model.Primary, teacherSpec);
        return TeacherReferences.Solve(model.Primary, schedule, noise, new TeacherRunOptions { Batch = noise.Count }, cancellationToken);
    }

    private string Png(double[] samples, CancellationToken cancellationToken)
    {
        var pixels = samples;
        if (decoder is not null)
        {
            pixels = new double[noise.Count * decoder.ImageSize];
            decoder.Decode(samples, noise.Count, pixels, cancellationToken);
        }

        return Convert.ToBase64String(ImageGrid.Png(pixels, noise.Count, shape, scale: 2));
    }
}
