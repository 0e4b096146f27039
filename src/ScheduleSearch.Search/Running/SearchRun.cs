using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Spacings;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Evaluation.Metrics;
using ScheduleSearch.Search.Generators;
using ScheduleSearch.Search.Specs;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Search.Running;

/// <summary>
/// Runs one search (Optuna's study: it only ties the parts together). Baselines first (each preset of the spec
/// with each spacing at each NFE), then ask/evaluate/tell per NFE until the budget is spent, then the per-NFE
/// winners and best baselines are re-scored on the held-out noise set. The budget is the length of the search's
/// history in the store, so a resumed search continues where it stopped: running a spec whose search exists
/// replays the same deterministic sequence, taking every score already in its history from the store (no
/// evaluator call), and evaluates only what is new. With racing (the spec's "racing", <see cref="Race"/>), a new best
/// on the scoring set becomes the best only after winning on the racing sets (those evaluations count in the budget),
/// and the winner per NFE is chosen on the validation set (<see cref="RaceWinner"/>) before the held-out re-scores.
/// </summary>
/// <remarks>
/// Determinism: the same spec (seed included) and the same scores give the same evaluation sequence and the
/// same winners. Only the hours limit depends on the clock. Cancellation finishes or abandons the batch in
/// flight (the evaluator decides), marks the search interrupted and returns.
/// </remarks>
public sealed partial class SearchRun
{
    private readonly SearchSpec spec;
    private readonly IScheduleEvaluator evaluator;
    private readonly IScoreStore store;
    private readonly NoiseSchedule noise;
    private readonly SearchRunOptions options;
    private readonly Dictionary<string, EvaluationRecord> history = new(StringComparer.Ordinal);
    private readonly Dictionary<int, NfeState> states = [];
    private int used;
    private CancellationToken running;
    private CostObjective cost = null!;
    private SearchHeartbeat? heartbeat;

    /// <summary>Creates the run; nothing happens until <see cref="Run"/>.</summary>
    public SearchRun(SearchSpec spec, IScheduleEvaluator evaluator, IScoreStore store, NoiseSchedule noise, SearchRunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(noise);
        this.spec = spec;
        this.evaluator = evaluator;
        this.store = store;
        this.noise = noise;
        this.options = options ?? new SearchRunOptions();
    }

    /// <summary>Raised after every evaluated batch (on the thread calling <see cref="Run"/>).</summary>
    public event EventHandler<SearchProgress>? Progress;

    /// <summary>Runs (or resumes) the search to its budget, or until cancelled.</summary>
    public SearchResult Run(CancellationToken cancellationToken = default)
    {
        if (options.Identity is { } identity && store.GetSearch(spec.Name) is { } stored)
        {
            StoredSpecs.EnsureResumable(stored, spec, identity);
        }

        running = cancellationToken;
        store.BeginSearch(spec.Name, spec.SourceJson, options.Identity?.ToJson());
        using var beating = heartbeat = new SearchHeartbeat(store, spec.Name, options.Clock, options.HeartbeatInterval);
        cost = CostObjective.Open(spec, store, options, cancellationToken);
        var clock = options.Clock;
        var started = clock.GetTimestamp();
        foreach (var record in store.GetSearchEvaluations(spec.Name, cancellationToken))
        {
            history.TryAdd(record.ScheduleKey, record);
        }

        // The budget spent is the history just read, not a second read of the count: in a shared search a worker
        // may store an evaluation in between, which would then be charged twice when this run proposes it again.
        used = history.Count;
        var generation = 0;
        string reason;
        try
        {
            reason = Baselines(cancellationToken) ? "evaluations" : string.Empty;
            if (reason.Length == 0)
            {
                reason = Search(started, ref generation, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            End(SearchStatus.Interrupted);
            return Result(SearchStatus.Interrupted, "cancelled", generation, heldOut: null);
        }
        catch
        {
            End(SearchStatus.Failed);
            throw;
        }

        Dictionary<string, double>? heldOutScores = null;
        Dictionary<string, double>? validation = null;
        if (spec.Racing is not null || !options.SkipHeldOut)
        {
            try
            {
                validation = spec.Racing is { } racing ? Validate(racing, cancellationToken) : null;
                heldOutScores = options.SkipHeldOut ? null : HeldOut(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                End(SearchStatus.Interrupted);
                return Result(SearchStatus.Interrupted, "cancelled", generation, heldOut: null);
            }
        }

        End(SearchStatus.Finished);
        return Result(SearchStatus.Finished, reason, generation, heldOutScores, validation);
    }

    /// <summary>Scores every baseline; true when the budget ran out during them.</summary>
    private bool Baselines(CancellationToken cancellationToken)
    {
        var candidates = new List<SamplerSchedule>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var nfe in spec.Nfe)
        {
            states[nfe] = new NfeState(nfe, cost, spec.Space, spec.Racing is { } racing ? new Race(racing, evaluator.Metric, ScoreOnRacingSet) : null);
            foreach (var schedule in BaselineSchedules(nfe))
            {
                if (keys.Add(ScheduleKey.Compute(schedule)))
                {
                    candidates.Add(schedule);
                }
            }
        }

        for (var start = 0; start < candidates.Count; start += options.BaselineBatch)
        {
            var batch = candidates.Skip(start).Take(options.BaselineBatch).ToArray();
            var results = Evaluate(batch, 0, null, cancellationToken);
            foreach (var r in results)
            {
                var state = states[r.Nfe];
                state.Baselines.Add(r);
                state.Offer(r);
            }

            Report("baselines", 0, null, null, null);
            if (results.Count < batch.Length)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The spec's presets with each spacing at <paramref name="nfe"/>, skipping combinations a preset cannot express.</summary>
    private IEnumerable<SamplerSchedule> BaselineSchedules(int nfe)
    {
        var tStart = Math.Min(spec.Space.TMax ?? noise.DefaultTStart, noise.TMax);
        foreach (var preset in spec.Baselines)
        {
            foreach (var spacingName in spec.BaselineSpacings)
            {
                SamplerSchedule schedule;
                try
                {
                    schedule = PresetCatalog.Create(preset, noise, nfe, Spacing.Parse(spacingName), tStart, ems: options.Ems);
                }
                catch (ArgumentException)
                {
                    continue;
                }

                if (schedule.Nfe == nfe && ScheduleValidator.Problems(schedule, noise).Count == 0)
                {
                    yield return schedule;
                }
            }
        }
    }

    private string Search(long started, ref int generation, CancellationToken cancellationToken)
    {
        var baselineCount = states.Values.Sum(s => s.Baselines.Count);
        var stitched = Stitch(cancellationToken);
        var perNfeBudget = Math.Max(1, (spec.Budget.Evaluations - baselineCount) / spec.Nfe.Length);
        foreach (var nfe in spec.Nfe)
        {
            var state = states[nfe];
            var context = new GeneratorContext
            {
                Noise = noise,
                Nfe = nfe,
                Space = spec.Space,
                Breeding = spec.Strategy.EffectiveBreeding,
                Population = spec.Strategy.Population,
                Seed = unchecked((spec.Strategy.Seed * 7919) + nfe),
                Budget = perNfeBudget,
                Seeds = Seeds(state.Baselines.Concat(stitched.Where(r => r.Nfe == nfe))),
                Model = options.Model,
                Ems = options.Ems,
            };
            state.Generator = options.GeneratorFactory?.Invoke(context) ?? GeneratorCatalog.Create(spec.Strategy.Kind, context);
        }

        var stall = 0;
        while (true)
        {
            if (spec.Strategy.Generations is { } maxGenerations && generation >= maxGenerations)
            {
                return "generations";
            }

            generation++;
            var improved = false;
            var asked = false;
            foreach (var nfe in spec.Nfe)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (Spent >= spec.Budget.Evaluations)
                {
                    return "evaluations";
                }

                if (spec.Budget.Hours is { } hours && options.Clock.GetElapsedTime(started).TotalHours >= hours)
                {
                    return "hours";
                }

                var state = states[nfe];
                if (state.Exhausted)
                {
                    continue;
                }

                var batch = state.Generator!.Ask();
                if (batch.Count == 0)
                {
                    state.Exhausted = true;
                    continue;
                }

                asked = true;
                // Named after Ask: a composite's name is its phase's, which Ask may have just advanced.
                var results = Evaluate(batch, generation, state.Generator.Name, cancellationToken);
                state.Generator.Tell(cost.ForGenerator(results));
                foreach (var r in results)
                {
                    improved |= state.Offer(r);
                }

                Report("search", generation, nfe, state.Generator.Name, (state.Generator as ISurrogateDiagnostics)?.LastKendallTau
                    ?? ((state.Generator as CompositeGenerator)?.Current as ISurrogateDiagnostics)?.LastKendallTau);
            }

            if (!asked)
            {
                return "exhausted";
            }

            stall = improved ? 0 : stall + 1;
            if (spec.Budget.StallGenerations is { } patience && stall >= patience)
            {
                return "stalled";
            }
        }
    }

    /// <summary>
    /// Scores a batch: schedules in the history are answered from it, new ones go to the evaluator, cut where the
    /// budget ends. Returns results for a prefix of <paramref name="batch"/>, in its order.
    /// </summary>
    private List<ScoredSchedule> Evaluate(IReadOnlyList<SamplerSchedule> batch, int generation, string? generator, CancellationToken cancellationToken)
    {
        var keys = batch.Select(ScheduleKey.Compute).ToArray();
        var fresh = new List<SamplerSchedule>();
        var freshKeys = new HashSet<string>(StringComparer.Ordinal);
        var count = batch.Count;
        for (var i = 0; i < batch.Count; i++)
        {
            if (history.ContainsKey(keys[i]) || freshKeys.Contains(keys[i]))
            {
                continue;
            }

            if (Spent + fresh.Count >= spec.Budget.Evaluations)
            {
                count = i;
                break;
            }

            fresh.Add(batch[i]);
            freshKeys.Add(keys[i]);
        }

        if (fresh.Count > 0)
        {
            var request = new EvaluationRequest { SearchName = spec.Name, Generation = generation, Generator = generator };
            var scored = evaluator.Evaluate(fresh, request, cancellationToken);
            foreach (var s in scored)
            {
                history.TryAdd(s.ScheduleKey, ToRecord(s, generation, generator));
            }

            used = Math.Max(used + scored.Count, store.CountSearchEvaluations(spec.Name));
        }

        var results = new List<ScoredSchedule>(count);
        for (var i = 0; i < count; i++)
        {
            var r = history[keys[i]];
            results.Add(ScoredSchedule.From(r, batch[i], cacheHit: !freshKeys.Contains(keys[i])));
        }

        cost.Observe(results);
        return results;
    }

    /// <summary>Under a time budget: scores the T-Stitch versions of the best baselines (<see cref="CostObjective.Stitched"/>) and offers them.</summary>
    private List<ScoredSchedule> Stitch(CancellationToken cancellationToken)
    {
        var candidates = spec.Nfe.SelectMany(nfe => cost.Stitched(states[nfe].Baselines, spec.Space, options.HeldOutBaselines)).ToArray();
        var results = candidates.Length == 0 ? [] : Evaluate(candidates, 0, null, cancellationToken);
        foreach (var r in results.Where(r => states.ContainsKey(r.Nfe)))
        {
            states[r.Nfe].Offer(r);
        }

        return results;
    }

    /// <summary>The generators' seeds, best first: the finite candidates the objective allows (all finite ones when it allows none).</summary>
    private ScoredSchedule[] Seeds(IEnumerable<ScoredSchedule> candidates)
    {
        var finite = candidates.Where(b => double.IsFinite(b.Score)).OrderBy(b => b.Score).ToArray();
        var allowed = finite.Where(cost.Allows).ToArray();
        return allowed.Length > 0 ? allowed : finite;
    }

    private SearchResult Result(SearchStatus status, string reason, int generation, Dictionary<string, double>? heldOut, Dictionary<string, double>? validation = null)
    {
        static double? Of(Dictionary<string, double>? scores, ScoredSchedule? s) => s is not null && scores is not null && scores.TryGetValue(s.ScheduleKey, out var v) ? v : null;
        var perNfe = spec.Nfe.Where(states.ContainsKey).Select(nfe =>
        {
            var state = states[nfe];
            var baseline = BestBaseline(state);
            return new NfeOutcome
            {
                Nfe = nfe,
                Best = state.Best,
                BestHeldOut = Of(heldOut, state.Best),
                BestBaseline = baseline,
                BaselineHeldOut = Of(heldOut, baseline),
                BestValidation = Of(validation, state.Best),
                BaselineValidation = Of(validation, baseline),
                Incumbents = state.Race?.Incumbents.Count,
            };
        }).ToArray();
        var front = new List<ScoredSchedule>();
        foreach (var outcome in perNfe)
        {
            if (outcome.Best is { } b && double.IsFinite(b.Score) && (front.Count == 0 || b.Score < front[^1].Score))
            {
                front.Add(b);
            }
        }

        return new SearchResult
        {
            SearchName = spec.Name,
            Status = status,
            StopReason = reason,
            Evaluations = Math.Max(used, store.CountSearchEvaluations(spec.Name)),
            Generations = generation,
            PerNfe = perNfe,
            ParetoFront = front,
            CallTimes = cost.Times,
            RacingEvaluations = states.Values.Sum(s => s.Race?.Evaluations ?? 0),
            TimeFront = cost.Front(),
        };
    }

    private void Report(string phase, int generation, int? nfe, string? generator, double? tau) =>
        Progress?.Invoke(this, new SearchProgress
        {
            Phase = phase,
            Generation = generation,
            Evaluations = used,
            Budget = spec.Budget.Evaluations,
            Nfe = nfe,
            Generator = generator,
            KendallTau = tau,
            Best = spec.Nfe.Where(states.ContainsKey).Select(n => new NfeBest(
                n,
                states[n].Best?.Score ?? double.PositiveInfinity,
                states[n].Baselines.Where(b => double.IsFinite(b.Score)).Select(b => b.Score).DefaultIfEmpty(double.PositiveInfinity).Min())).ToArray(),
        });

    /// <summary>Ends the search in the store, its heartbeat stopped first so no beat follows the final status.</summary>
    private void End(SearchStatus status)
    {
        heartbeat?.Dispose();
        store.EndSearch(spec.Name, status);
    }

    private EvaluationRecord ToRecord(ScoredSchedule s, int generation, string? generator) => new()
    {
        Key = s.Key,
        ScheduleKey = s.ScheduleKey,
        ScheduleJson = string.Empty,
        Nfe = s.Nfe,
        Metric = MetricCatalog.KeyKind(evaluator.Metric),
        Score = s.Score,
        Fidelity = s.Fidelity,
        Status = s.Status,
        Duration = s.Duration,
        Generation = generation,
        Generator = generator,
        Created = DateTimeOffset.UnixEpoch,
        DetailsJson = s.DetailsJson,
    };
}
