using ScheduleSearch.Evaluation;
using ScheduleSearch.Evaluation.Metrics;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Search.Specs;

/// <summary>
/// Reads the spec a search was started with as it meant then. Until issue 20, "teacher-rmse" named the mean over
/// samples of each sample's RMSE (now teacher-mean-rmse): a search whose record says so (its evaluation identity is
/// of the older format or missing) reads back as teacher-mean-rmse, whose keys are the ones it stored, so show,
/// export and workers find its scores and call them by their name.
/// </summary>
public static class StoredSpecs
{
    /// <summary>The spec of <paramref name="search"/>, its metric named as it was scored; throws <see cref="SearchSpecException"/>.</summary>
    public static SearchSpec Parse(SearchRecord search, string source, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(search);
        var spec = SearchSpec.Parse(search.SpecJson, source, baseDirectory);
        var metric = MetricOf(search, spec.Metric.Kind);
        return metric == spec.Metric.Kind ? spec : spec with { Metric = spec.Metric with { Kind = metric } };
    }

    /// <summary>
    /// The name of the metric <paramref name="search"/> was scored with, its spec naming <paramref name="specKind"/>:
    /// the name its recorded identity gives, else (a search recorded before identities were) the legacy meaning.
    /// </summary>
    public static string MetricOf(SearchRecord search, string specKind)
    {
        ArgumentNullException.ThrowIfNull(search);
        if (search.KeyContextJson is { } json)
        {
            try
            {
                return EvaluationIdentity.FromJson(json).Metric;
            }
            catch (FormatException)
            {
                // Unreadable identity (a newer format?): the spec's own name is the best guess.
                return specKind;
            }
        }

        return specKind == MetricCatalog.LegacyTeacherRmse ? MetricCatalog.NameOfKeyKind(specKind) : specKind;
    }

    /// <summary>
    /// Throws when resuming <paramref name="stored"/> under <paramref name="identity"/> would score it with another
    /// metric than its history was (its spec text is the same, but "teacher-rmse" meant the mean of per-sample RMSEs
    /// when it began): mixing the two would rank scores that do not compare.
    /// </summary>
    public static void EnsureResumable(SearchRecord stored, SearchSpec spec, EvaluationIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(identity);
        var was = MetricOf(stored, spec.Metric.Kind);
        if (was != identity.Metric)
        {
            throw new SearchSpecException(
                $"search '{spec.Name}' was scored with {was} (a search begun when \"teacher-rmse\" still named the mean of per-sample RMSEs), "
                + $"but this run would score {identity.Metric}, and its history would mix the two; "
                + $"to continue it, start it under a new name with \"kind\": \"{was}\" (its evaluations are reused from the cache), "
                + $"or under a new name with \"kind\": \"{identity.Metric}\" to search the root of the mean squared error");
        }
    }
}
