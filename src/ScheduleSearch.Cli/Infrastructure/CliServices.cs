using ScheduleSearch.Evaluation;
using ScheduleSearch.Models.Onnx;
using ScheduleSearch.Storage;
using ScheduleSearch.Storage.Postgres;

namespace ScheduleSearch.Cli.Infrastructure;

/// <summary>
/// The one place the commands get what they open (R4 of the architecture review): scoring sessions on a local or a
/// shared store, stores to copy between, searches to read, models to sample with. <see cref="RootCommandFactory"/>
/// hands one instance to every command that opens something; Program.cs uses <see cref="Default"/>, which opens the
/// real things (ONNX model, LiteDB file, PostgreSQL server). A test replaces one member with <c>with</c> to hand a
/// command something else (another store, a model that fails) without touching the command; the commands never call
/// the openers behind these members themselves.
/// </summary>
public sealed record CliServices
{
    /// <summary>The real openers.</summary>
    public static CliServices Default { get; } = new();

    /// <summary>
    /// Opens the model, the local database (created when missing) and the evaluator over both: card path, device,
    /// metric, database path, output, session settings, store options (<see cref="EvaluationSession.Open"/>).
    /// </summary>
    public Func<string, string, MetricSpec, string, CliOutput, SessionSettings, ScoreStoreOptions?, EvaluationSession> OpenSession { get; init; } =
        (card, device, metric, database, output, settings, storeOptions) => EvaluationSession.Open(card, device, metric, database, output, settings, storeOptions);

    /// <summary>
    /// Opens the model, the shared PostgreSQL store and the evaluator over both: card path, device, metric, location,
    /// output, session settings (<see cref="SharedSession.Open"/>).
    /// </summary>
    public Func<string, string, MetricSpec, PostgresLocation, CliOutput, SessionSettings, SharedSession> OpenSharedSession { get; init; } = SharedSession.Open;

    /// <summary>Opens the shared store at a location, read-only or as a writer (<see cref="StorageOption.OpenShared"/>).</summary>
    public Func<PostgresLocation, bool, PostgresScoreStore> OpenSharedStore { get; init; } = StorageOption.OpenShared;

    /// <summary>Opens the store a <c>--from</c>/<c>--to</c> text names, read-only or as a writer (<see cref="StorageOption.Open"/>).</summary>
    public Func<string, bool, IScoreStore> OpenStore { get; init; } = StorageOption.Open;

    /// <summary>
    /// Opens the store holding a search, read-only, from its name and the <c>--db</c> and <c>--storage</c> options
    /// (<see cref="DatabaseLocator.OpenSearch(string, string?, string?)"/>); the caller disposes the store.
    /// </summary>
    public Func<string, string?, string?, (IScoreStore Store, SearchRecord Search, string Path)> OpenSearch { get; init; } = DatabaseLocator.OpenSearch;

    /// <summary>The stores <c>list</c> reads, each opened when asked, from the <c>--db</c> and <c>--storage</c> options (<see cref="DatabaseLocator.OpenForListing"/>).</summary>
    public Func<string?, string?, IEnumerable<(Func<IScoreStore> Open, string Location)>> OpenForListing { get; init; } = DatabaseLocator.OpenForListing;

    /// <summary>
    /// Opens the model and an evaluator scoring into a store already open under a known model hash: card path, device,
    /// metric, output, store, model hash, session settings (<see cref="SessionOpener.OpenLane"/>); <c>export</c> scores its
    /// approximate formats with it against the search's stored teacher. The caller disposes the model and features.
    /// </summary>
    public Func<string, string, MetricSpec, CliOutput, IScoreStore, string, SessionSettings, (LoadedModel Model, ScheduleEvaluator Evaluator, IDisposable? Features)> OpenScorer { get; init; } =
        SessionOpener.OpenLane;

    /// <summary>Opens a model card with its variants and data statistics on a device: card path, device, output (<see cref="ModelOpener.OpenWithVariants"/>).</summary>
    public Func<string, string, CliOutput, LoadedModel> OpenModel { get; init; } = ModelOpener.OpenWithVariants;
}
