using ScheduleSearch.Evaluation;
using ScheduleSearch.Models.Onnx;
using ScheduleSearch.Storage;
using ScheduleSearch.Storage.Postgres;

namespace ScheduleSearch.Cli.Infrastructure;

/// <summary>
/// What a process working on a shared search needs: the model on its device, the PostgreSQL store (the model
/// registered in it) and a <see cref="ScheduleEvaluator"/> over both. The model is opened first, so a bad card
/// never touches the database.
/// </summary>
public sealed class SharedSession : IDisposable
{
    private SharedSession(LoadedModel model, PostgresScoreStore store, ScheduleEvaluator evaluator)
    {
        Model = model;
        Store = store;
        Evaluator = evaluator;
    }

    /// <summary>The model.</summary>
    public LoadedModel Model { get; }

    /// <summary>The shared store, also the claim queue.</summary>
    public PostgresScoreStore Store { get; }

    /// <summary>The local evaluator (cache first, then the model).</summary>
    public ScheduleEvaluator Evaluator { get; }

    /// <summary>Opens <paramref name="cardPath"/> on <paramref name="device"/> and the store at <paramref name="location"/>.</summary>
    public static SharedSession Open(string cardPath, string device, MetricSpec metric, PostgresLocation location, CliOutput output)
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
            var store = StorageOption.OpenShared(location, readOnly: false);
            try
            {
                store.SaveModel(new ModelRecord { ContentHash = hash, Path = Path.GetFullPath(cardPath), CardJson = File.ReadAllText(cardPath), Updated = DateTimeOffset.UtcNow });
                return new SharedSession(model, store, new ScheduleEvaluator(model.Primary, hash, metric, store, options));
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

    /// <inheritdoc />
    public void Dispose()
    {
        Store.Dispose();
        Model.Dispose();
    }
}
