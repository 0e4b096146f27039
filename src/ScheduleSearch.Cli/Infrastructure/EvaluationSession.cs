using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Models.Gmm;
using ScheduleSearch.Models.Onnx;
using ScheduleSearch.Search.Running;
using ScheduleSearch.Search.Specs;
using ScheduleSearch.Storage;
using ScheduleSearch.Storage.LiteDb;

namespace ScheduleSearch.Cli.Infrastructure;

/// <summary>
/// What scoring needs, opened together and closed together: the model on its device, the database as its single
/// writer (the model registered in it), and a <see cref="ScheduleEvaluator"/> over both.
/// </summary>
public sealed class EvaluationSession : IDisposable
{
    private readonly IDisposable? features;
    private readonly Func<string, (LoadedModel Model, ScheduleEvaluator Evaluator, IDisposable? Features)>? openLane;
    private readonly List<IDisposable> lanes = [];

    private EvaluationSession(
        LoadedModel model,
        IScoreStore store,
        ScheduleEvaluator evaluator,
        string modelHash,
        IDisposable? features,
        Func<string, (LoadedModel Model, ScheduleEvaluator Evaluator, IDisposable? Features)>? openLane)
    {
        this.features = features;
        this.openLane = openLane;
        Model = model;
        Store = store;
        Evaluator = evaluator;
        ModelHash = modelHash;
    }

    /// <summary>The model with its variants and statistics.</summary>
    public LoadedModel Model { get; }

    /// <summary>The database.</summary>
    public IScoreStore Store { get; }

    /// <summary>The evaluator (cache first, then the model).</summary>
    public ScheduleEvaluator Evaluator { get; }

    /// <summary>The model's content hash (<see cref="ModelIdentity"/>).</summary>
    public string ModelHash { get; }

    /// <summary>The model's noise schedule.</summary>
    public NoiseSchedule Noise => Model.Primary.Schedule;

    /// <summary>
    /// Opens <paramref name="cardPath"/> on <paramref name="device"/> and the database at <paramref name="databasePath"/>
    /// (created when missing), sampling and scoring with <paramref name="settings"/> (default: none of a spec's guidance
    /// or features, the default prefix cache; every lane gets the same). The model is opened first, so a bad card never
    /// creates or touches a database.
    /// </summary>
    public static EvaluationSession Open(string cardPath, string device, MetricSpec metric, string databasePath, CliOutput output, SessionSettings? settings = null, ScoreStoreOptions? storeOptions = null)
    {
        settings ??= SessionSettings.Default;
        return SessionOpener.Open(
            cardPath,
            device,
            metric,
            output,
            () => LiteDbScoreStore.Open(databasePath, storeOptions),
            (model, store, evaluator, hash, owned) => new EvaluationSession(
                model, store, evaluator, hash, owned, laneDevice => SessionOpener.OpenLane(cardPath, laneDevice, metric, output, store, hash, settings)),
            settings);
    }

    /// <summary>
    /// The evaluator for a search over <paramref name="devices"/>: this session's evaluator is the first lane (its
    /// device is the first of the list), and every further device gets its own model and evaluator scoring into the
    /// same database (<see cref="LanedEvaluator"/>). The lanes close with the session.
    /// </summary>
    public IScheduleEvaluator Lanes(IReadOnlyList<string> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        if (devices.Count <= 1 || openLane is null)
        {
            return Evaluator;
        }

        var evaluators = new List<IScheduleEvaluator> { Evaluator };
        foreach (var device in devices.Skip(1))
        {
            var (model, evaluator, owned) = openLane(device);
            lanes.Add(model);
            if (owned is not null)
            {
                lanes.Add(owned);
            }

            evaluators.Add(evaluator);
        }

        return new LanedEvaluator(evaluators);
    }

    /// <summary>The analytic mixture behind a GMM model (its params.json next to the card), for mixture metrics.</summary>
    public static GaussianMixture? MixtureOf(LoadedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var folder = model.Card.Directory;
        var path = folder is null ? null : Path.Combine(folder, GmmModelWriter.ParamsFile);
        return path is not null && File.Exists(path) ? GmmParametersJson.Read(path) : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Store.Dispose();
        features?.Dispose();
        foreach (var lane in lanes)
        {
            lane.Dispose();
        }

        Model.Dispose();
    }
}
