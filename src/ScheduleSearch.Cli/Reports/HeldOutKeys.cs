using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Models.Cards;
using ScheduleSearch.Models.Gmm;
using ScheduleSearch.Search.Specs;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Cli.Reports;

/// <summary>
/// The cache keys of held-out re-scores, computed exactly as the evaluator computes them but without loading the
/// network: a <see cref="ScheduleEvaluator"/> over a stand-in denoiser that only knows the card's noise schedule and
/// sample size (the key depends on the model's content hash, the metric and the noise set, never on a model call).
/// </summary>
public sealed class HeldOutKeys
{
    private readonly ScheduleEvaluator evaluator;

    private HeldOutKeys(ScheduleEvaluator evaluator) => this.evaluator = evaluator;

    /// <summary>The key lookup for a search's model and metric, or null when either is unknown.</summary>
    public static HeldOutKeys? Create(ModelRecord? model, SearchSpec? spec, IScoreStore store)
    {
        if (model is null || spec is null)
        {
            return null;
        }

        try
        {
            var card = ModelCardReader.Parse(model.CardJson, model.Path, Path.GetDirectoryName(model.Path));
            var mixturePath = Path.Combine(Path.GetDirectoryName(model.Path) ?? ".", GmmModelWriter.ParamsFile);
            var options = new ScheduleEvaluatorOptions { Mixture = File.Exists(mixturePath) ? GmmParametersJson.Read(mixturePath) : null };
            var stub = new ScheduleOnlyDenoiser(card.Schedule.Create(), card.SampleSize);
            return new HeldOutKeys(new ScheduleEvaluator(stub, model.ContentHash, spec.Metric, store, options));
        }
        catch (Exception e) when (e is ArgumentException or ModelCardException or IOException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The key of <paramref name="schedule"/>'s held-out evaluation, or null.</summary>
    public string? KeyOf(SamplerSchedule schedule)
    {
        try
        {
            return evaluator.KeyOf(schedule, new EvaluationRequest { HeldOut = true });
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>A denoiser that has a noise schedule and a size but is never called.</summary>
    private sealed class ScheduleOnlyDenoiser(NoiseSchedule schedule, int sampleSize) : IDenoiser
    {
        public NoiseSchedule Schedule { get; } = schedule;

        public int SampleSize { get; } = sampleSize;

        public long Calls => 0;

        public void Predict(ReadOnlySpan<double> x, int batch, double t, Span<double> x0, Span<double> eps) =>
            throw new InvalidOperationException("keys only: this stand-in never runs the model");
    }
}
