using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Evaluation.Metrics;
using ScheduleSearch.Search.Specs;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Search.Results;

/// <summary>
/// The cache keys of a search's held-out re-scores, by the <see cref="EvaluationIdentity"/> its run wrote onto the
/// search record; for a search begun before that was recorded, derived from its model and spec as the run derived it
/// (the feature network and statistics named by their files' content hashes, no network opened).
/// </summary>
public sealed class HeldOutKeys
{
    private readonly EvaluationIdentity identity;

    private HeldOutKeys(EvaluationIdentity identity) => this.identity = identity;

    /// <summary>The key lookup for <paramref name="search"/>, or null when its identity is neither recorded nor derivable.</summary>
    public static HeldOutKeys? Create(SearchRecord search, ModelRecord? model, SearchSpec? spec)
    {
        ArgumentNullException.ThrowIfNull(search);
        if (search.KeyContextJson is { } json)
        {
            try
            {
                return new HeldOutKeys(EvaluationIdentity.FromJson(json));
            }
            catch (FormatException)
            {
                // Unreadable (a newer format?): derive it as for an old search.
            }
        }

        if (model is null || spec is null)
        {
            return null;
        }

        try
        {
            var features = spec.Features;
            var featuresName = features is null ? null : OnnxFeatureExtractor.NameOf(features.Onnx);
            var statisticsName = features is { Mean: { } mean, Covariance: { } covariance } ? FeatureStatistics.NameOf(mean, covariance) : null;
            return new HeldOutKeys(EvaluationIdentity.For(model.ContentHash, spec.Metric, featuresName, statisticsName));
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The key of <paramref name="schedule"/>'s held-out evaluation, or null.</summary>
    public string? KeyOf(SamplerSchedule schedule) => KeyOf(schedule, new EvaluationRequest { HeldOut = true });

    /// <summary>The key of <paramref name="schedule"/>'s evaluation on the drawn noise set <paramref name="noise"/> (a racing search's validation set), or null.</summary>
    public string? KeyOn(SamplerSchedule schedule, ScheduleSearch.Evaluation.NoiseSets.NoiseSpec noise) => KeyOf(schedule, new EvaluationRequest { Noise = noise });

    private string? KeyOf(SamplerSchedule schedule, EvaluationRequest request)
    {
        try
        {
            return identity.KeyOf(schedule, request);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
