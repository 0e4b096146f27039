using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation;

namespace ScheduleSearch.Bench.PrefixSharing;

/// <summary>Forwards to a <see cref="ScheduleEvaluator"/> and adds its counter deltas per phase: baselines (generation 0), search, held-out.</summary>
internal sealed class GenerationCounters(ScheduleEvaluator inner) : IScheduleEvaluator
{
    public string Metric => inner.Metric;

    public EvaluatorCounters Baselines { get; private set; } = new();

    public EvaluatorCounters Search { get; private set; } = new();

    public EvaluatorCounters HeldOut { get; private set; } = new();

    public IReadOnlyList<ScoredSchedule> Evaluate(IReadOnlyList<SamplerSchedule> candidates, EvaluationRequest request, CancellationToken cancellationToken = default)
    {
        var before = inner.Counters;
        var results = inner.Evaluate(candidates, request, cancellationToken);
        var delta = inner.Counters.Since(before);
        if (request.HeldOut)
        {
            HeldOut = Add(HeldOut, delta);
        }
        else if (request.Generation == 0)
        {
            Baselines = Add(Baselines, delta);
        }
        else
        {
            Search = Add(Search, delta);
        }

        return results;
    }

    private static EvaluatorCounters Add(EvaluatorCounters a, EvaluatorCounters b) => new()
    {
        Evaluations = a.Evaluations + b.Evaluations,
        CacheHits = a.CacheHits + b.CacheHits,
        ModelCalls = a.ModelCalls + b.ModelCalls,
        ModelCallsSaved = a.ModelCallsSaved + b.ModelCallsSaved,
        PrefixResumes = a.PrefixResumes + b.PrefixResumes,
        ModelTime = a.ModelTime + b.ModelTime,
        TotalTime = a.TotalTime + b.TotalTime,
    };
}
