using ScheduleSearch.Evaluation;
using ScheduleSearch.Models.Onnx;
using ScheduleSearch.Search.Specs;
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
    private readonly IDisposable? features;

    private SharedSession(LoadedModel model, PostgresScoreStore store, ScheduleEvaluator evaluator, IDisposable? features)
    {
        this.features = features;
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

    /// <summary>
    /// Opens <paramref name="cardPath"/> on <paramref name="device"/> and the store at <paramref name="location"/>, with a
    /// spec's guidance and feature network and the prefix-cache bound in <paramref name="settings"/>.
    /// </summary>
    public static SharedSession Open(string cardPath, string device, MetricSpec metric, PostgresLocation location, CliOutput output, SessionSettings settings) =>
        SessionOpener.Open(cardPath, device, metric, output, () => StorageOption.OpenShared(location, readOnly: false), (model, store, evaluator, _, owned) => new SharedSession(model, store, evaluator, owned), settings);

    /// <inheritdoc />
    public void Dispose()
    {
        Store.Dispose();
        features?.Dispose();
        Model.Dispose();
    }
}
