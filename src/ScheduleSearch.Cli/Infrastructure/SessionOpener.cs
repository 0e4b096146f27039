using ScheduleSearch.Evaluation;
using ScheduleSearch.Models.Onnx;
using ScheduleSearch.Search.Specs;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Cli.Infrastructure;

/// <summary>
/// Opens what scoring needs, in the order that keeps bad input harmless: the model card first (a bad card never
/// creates or touches a database), then the store, which gets the model registered, then the evaluator over both;
/// whatever was opened is closed again when a later part fails.
/// </summary>
internal static class SessionOpener
{
    /// <summary>
    /// Opens the session with <paramref name="settings"/> (a spec's guidance and feature network, the prefix-cache
    /// bound). The guidance is part of the model's identity (<see cref="ModelIdentity.WithGuidance"/>); <c>create</c> receives
    /// the feature network to dispose with the session.
    /// </summary>
    public static TSession Open<TStore, TSession>(
        string cardPath,
        string device,
        MetricSpec metric,
        CliOutput output,
        Func<TStore> openStore,
        Func<LoadedModel, TStore, ScheduleEvaluator, string, IDisposable?, TSession> create,
        SessionSettings settings)
        where TStore : IScoreStore
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!File.Exists(cardPath))
        {
            throw new BadInputException($"model card '{cardPath}' does not exist");
        }

        ArgumentNullException.ThrowIfNull(settings);
        var model = LoadedModel.Open(cardPath, SamplingSetup.DenoiserOptions(cardPath, device, output, settings));
        IDisposable? extractor = null;
        try
        {
            var hash = ModelIdentity.WithGuidance(ModelIdentity.ContentHash(model.Card, cardPath), settings.Guidance);
            (var options, extractor) = EvaluatorOptions(model, settings, device, metric);
            var store = openStore();
            try
            {
                store.SaveModel(new ModelRecord
                {
                    ContentHash = hash,
                    Path = Path.GetFullPath(cardPath),
                    CardJson = File.ReadAllText(cardPath),
                    Updated = DateTimeOffset.UtcNow,
                });
                return create(model, store, new ScheduleEvaluator(model.Primary, hash, metric, store, options), hash, extractor);
            }
            catch (ArgumentException e)
            {
                store.Dispose();
                throw new BadInputException($"metric: {InputFiles.StripParameter(e)}", e);
            }
            catch
            {
                store.Dispose();
                throw;
            }
        }
        catch
        {
            extractor?.Dispose();
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens one more evaluation lane of a session: the same card, guidance and metric on <paramref name="device"/>,
    /// scoring into the same store under the same model hash. The caller disposes the returned model and features.
    /// </summary>
    public static (LoadedModel Model, ScheduleEvaluator Evaluator, IDisposable? Features) OpenLane(
        string cardPath, string device, MetricSpec metric, CliOutput output, IScoreStore store, string hash, SessionSettings settings)
    {
        var model = LoadedModel.Open(cardPath, SamplingSetup.DenoiserOptions(cardPath, device, output, settings));
        IDisposable? extractor = null;
        try
        {
            (var options, extractor) = EvaluatorOptions(model, settings, device, metric);
            return (model, new ScheduleEvaluator(model.Primary, hash, metric, store, options), extractor);
        }
        catch
        {
            extractor?.Dispose();
            model.Dispose();
            throw;
        }
    }

    private static (ScheduleEvaluatorOptions Options, IDisposable? Features) EvaluatorOptions(LoadedModel model, SessionSettings settings, string device, MetricSpec metric)
    {
        var options = new ScheduleEvaluatorOptions
        {
            Mixture = EvaluationSession.MixtureOf(model),
            Statistics = model.Statistics,
            Ems = model.Ems,
            Variants = model.Variants,
            PrefixCacheBytes = settings.PrefixCacheBytes,
            LockstepCandidates = settings.LockstepCandidates,
            ScoringNoise = settings.ScoringNoise?.For(model.Card.SampleShape),
        };
        var extractor = SamplingSetup.AddFeatures(settings.Features, device, ref options);
        if (!metric.Decode)
        {
            return (options, extractor);
        }

        try
        {
            // The session disposes the feature network and the decoder together.
            var decoder = SamplingSetup.AddDecoder(model.Card, device, ref options);
            return (options, new Owned(extractor, decoder));
        }
        catch
        {
            extractor?.Dispose();
            throw;
        }
    }

    /// <summary>The networks a session opened beside the model (feature network, decoder), disposed together.</summary>
    private sealed class Owned(params IDisposable?[] parts) : IDisposable
    {
        public void Dispose()
        {
            foreach (var part in parts)
            {
                part?.Dispose();
            }
        }
    }
}
