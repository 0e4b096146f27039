using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Evaluation.Cost;
using ScheduleSearch.Evaluation.Metrics;
using ScheduleSearch.Search.Running;
using ScheduleSearch.Search.Specs;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Search.Results;

/// <summary>
/// The read side of a search (Optuna's best trials), what show, export, plot and report render: read from its store
/// only (read-only, so it works while the search runs): status, counts, and per NFE the best found vs the best
/// baseline with held-out scores, winners chosen as the run chose them (under a time budget only those that fit it).
/// </summary>
public sealed record SearchResults
{
    /// <summary>The search record (status, counts, times).</summary>
    public required SearchRecord Search { get; init; }

    /// <summary>The spec the search was started with, or null when it no longer parses.</summary>
    public SearchSpec? Spec { get; init; }

    /// <summary>The metric's name.</summary>
    public required string Metric { get; init; }

    /// <summary>Where the store is, as the reader named it (a database file or a PostgreSQL location).</summary>
    public required string DatabasePath { get; init; }

    /// <summary>Per NFE, ascending.</summary>
    public required IReadOnlyList<NfeSummary> PerNfe { get; init; }

    /// <summary>The model's card as stored by run (for sigma conversions), or null.</summary>
    public ModelRecord? Model { get; init; }

    /// <summary>Total compute time of the evaluations in the history.</summary>
    public required TimeSpan ComputeTime { get; init; }

    /// <summary>The model times per sample measured for the search (issue 9), or null when none are stored.</summary>
    public ModelCallTimes? Times { get; init; }

    /// <summary>The results of the search called <paramref name="name"/> in <paramref name="store"/> (at <paramref name="databasePath"/>), or null when it has none.</summary>
    public static SearchResults? Load(IScoreStore store, string name, string databasePath, int top, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.GetSearch(name) is { } search ? Load(store, search, databasePath, top, cancellationToken) : null;
    }

    /// <summary>Reads the results of <paramref name="search"/> from <paramref name="store"/>; <paramref name="top"/> schedules per NFE.</summary>
    public static SearchResults Load(IScoreStore store, SearchRecord search, string databasePath, int top, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(search);
        var spec = TryParseSpec(search);
        var records = store.GetSearchEvaluations(search.Name, cancellationToken);
        var model = FindModel(store, spec, search.SpecJson);
        var heldOut = HeldOutKeys.Create(search, model, spec);
        var entries = records.Select(r => new { Record = r, Schedule = TryRead(r) })
            .Where(e => e.Schedule is not null)
            .Select(e => new ScoredEntry { Record = e.Record, Schedule = e.Schedule! })
            .ToList();
        var metric = spec?.Metric.Kind ?? (records.FirstOrDefault()?.Metric is { } kind ? MetricCatalog.NameOfKeyKind(kind) : "unknown");
        var nfes = (spec?.Nfe.AsEnumerable() ?? entries.Select(e => e.Record.Nfe)).Distinct().Order().ToArray();
        var times = ModelCallTimesStore.Get(store, search.Name, cancellationToken);
        var allowed = WithinObjective(spec, times);
        var perNfe = new List<NfeSummary>();
        foreach (var nfe in nfes)
        {
            var history = entries.Where(e => e.Record.Nfe == nfe).ToList();
            var ranked = history.Where(e => double.IsFinite(e.Record.Score) && allowed(e)).OrderBy(e => e.Record.Score).ToList();
            var baselines = ranked.Where(e => e.IsBaseline).ToList();
            var best = (spec?.Racing is { } racing ? RaceWinnerOf(ranked, racing, heldOut, store) : null) ?? ranked.FirstOrDefault();
            var bestBaseline = baselines.FirstOrDefault();
            perNfe.Add(new NfeSummary
            {
                Nfe = nfe,
                Best = WithHeldOut(best, heldOut, store, metric),
                BestBaseline = WithHeldOut(bestBaseline, heldOut, store, metric),
                Top = ranked.Take(Math.Max(top, 1)).Select(e => WithHeldOut(e, heldOut, store, metric)!).ToArray(),
                History = history,
                Baselines = baselines,
            });
        }

        return new SearchResults
        {
            Search = search,
            Spec = spec,
            Metric = metric,
            DatabasePath = databasePath,
            PerNfe = perNfe,
            Model = model,
            ComputeTime = TimeSpan.FromTicks(records.Sum(r => r.Duration.Ticks)),
            Times = times,
        };
    }

    /// <summary>
    /// Which entries may rank as best, as the run decided: under a time budget only schedules whose stored model time
    /// per sample fits it (so show and export never offer a winner over the user's budget), otherwise all.
    /// </summary>
    private static Func<ScoredEntry, bool> WithinObjective(SearchSpec? spec, ModelCallTimes? times)
    {
        if (spec?.Objective is not { IsTimeBudget: true } objective)
        {
            return _ => true;
        }

        return times is null ? _ => false : e => times.TryCostOf(e.Schedule) is { } ms && objective.Allows(ms);
    }

    /// <summary>The spec <paramref name="search"/> was started with, or null when it no longer parses.</summary>
    internal static SearchSpec? TryParseSpec(SearchRecord search)
    {
        try
        {
            return StoredSpecs.Parse(search, search.Name);
        }
        catch (SearchSpecException)
        {
            return null;
        }
    }

    internal static SamplerSchedule? TryRead(EvaluationRecord record)
    {
        try
        {
            return string.IsNullOrEmpty(record.ScheduleJson) ? null : ScheduleJson.Read(record.ScheduleJson, "stored schedule");
        }
        catch (ScheduleFormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// A racing search's winner as its run chose it (<see cref="RaceWinner"/>): among the entries scored on its
    /// validation set, the lowest validation score; null when none was (racing off, or the run did not finish).
    /// </summary>
    private static ScoredEntry? RaceWinnerOf(List<ScoredEntry> ranked, RacingSpec racing, HeldOutKeys? keys, IScoreStore store)
    {
        if (keys is null)
        {
            return null;
        }

        var validated = ranked
            .Select(e => (Entry: e, Record: keys.KeyOn(e.Schedule, racing.Validation) is { } key ? store.GetEvaluation(key) : null))
            .Where(v => v.Record is not null)
            .ToList();
        var winner = RaceWinner.Choose([.. validated.Select(v => (v.Entry.Record.Score, v.Record!.Score, v.Entry.Record.ScheduleKey))]);
        return winner < 0 ? null : validated[winner].Entry with { Validation = validated[winner].Record!.Score };
    }

    private static ScoredEntry? WithHeldOut(ScoredEntry? entry, HeldOutKeys? keys, IScoreStore store, string metric)
    {
        if (entry is null || keys is null)
        {
            return entry;
        }

        var key = keys.KeyOf(entry.Schedule);
        return key is not null && store.GetEvaluation(key) is { } record
            ? entry with { HeldOut = record.Score, HeldOutStandardError = RobustSummary.StandardErrorOf(record.DetailsJson, metric) }
            : entry;
    }

    /// <summary>The model the search ran on: the registered model whose path ends like the spec's "model" field, or the only one.</summary>
    internal static ModelRecord? FindModel(IScoreStore store, SearchSpec? spec, string specJson)
    {
        var models = store.ListModels();
        if (models.Count <= 1)
        {
            return models.FirstOrDefault();
        }

        string? raw = null;
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(specJson);
            raw = doc.RootElement.TryGetProperty("model", out var m) ? m.GetString() : null;
        }
        catch (System.Text.Json.JsonException)
        {
        }

        if (raw is null)
        {
            return models[^1];
        }

        var tail = string.Join('/', raw.Replace('\\', '/').Split('/').Where(p => p is not ("." or ".." or "")));
        return models.Where(m => m.Path.Replace('\\', '/').EndsWith(tail, StringComparison.Ordinal)).OrderByDescending(m => m.Updated).FirstOrDefault()
            ?? (spec is not null ? models.FirstOrDefault(m => m.Path == spec.ModelPath) : null)
            ?? models[^1];
    }
}
