using ScheduleSearch.Evaluation;
using ScheduleSearch.Models.Onnx;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Cli.Infrastructure;

/// <summary>
/// Opens what scoring needs, in the order that keeps bad input harmless: the model card first (a bad card never
/// creates or touches a database), then the store, which gets the model registered, then the evaluator over both;
/// whatever was opened is closed again when a later part fails.
/// </summary>
internal static class SessionOpener
{
    public static TSession Open<TStore, TSession>(
        string cardPath,
        string device,
        MetricSpec metric,
        CliOutput output,
        Func<TStore> openStore,
        Func<LoadedModel, TStore, ScheduleEvaluator, string, TSession> create)
        where TStore : IScoreStore
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!File.Exists(cardPath))
        {
            throw new BadInputException($"model card '{cardPath}' does not exist");
        }

        var model = LoadedModel.Open(cardPath, new OnnxDenoiserOptions { Device = device, DeviceMessage = output.Warn });
        try
        {
            var hash = ModelIdentity.ContentHash(model.Card, cardPath);
            var options = new ScheduleEvaluatorOptions { Mixture = EvaluationSession.MixtureOf(model), Statistics = model.Statistics, Variants = model.Variants };
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
                return create(model, store, new ScheduleEvaluator(model.Primary, hash, metric, store, options), hash);
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
            model.Dispose();
            throw;
        }
    }
}
