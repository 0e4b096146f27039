using ScheduleSearch.Search.Specs;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Cli.Reports;

/// <summary>
/// The held-out re-scores of copied searches: <see cref="ScoreStoreCopy"/> copies histories only, and a search's
/// held-out scores (its headline in show, export and plot) are evaluations outside its history. Their keys are
/// the ones show reads (the identity recorded on the search, or derived from its model and spec) (<see cref="HeldOutKeys"/>).
/// </summary>
public static class HeldOutCopy
{
    /// <summary>Copies the held-out scores of every search of <paramref name="from"/>, or of <paramref name="searchName"/>; returns how many were new.</summary>
    public static int Copy(IScoreStore from, IScoreStore to, string? searchName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var added = 0;
        foreach (var search in from.ListSearches(cancellationToken).Where(s => searchName is null || s.Name == searchName))
        {
            SearchSpec? spec;
            try
            {
                spec = SearchSpec.Parse(search.SpecJson, search.Name);
            }
            catch (SearchSpecException)
            {
                spec = null;
            }

            if (HeldOutKeys.Create(search, SearchSummary.FindModel(from, spec, search.SpecJson), spec) is not { } keys)
            {
                continue;
            }

            var wanted = from.GetSearchEvaluations(search.Name, cancellationToken)
                .Select(SearchSummary.TryRead).OfType<Core.Schedules.SamplerSchedule>()
                .Select(keys.KeyOf).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
            var found = from.GetEvaluations(wanted, cancellationToken).Values.ToArray();
            var present = to.GetEvaluations(found.Select(r => r.Key), cancellationToken);
            var missing = found.Where(r => !present.ContainsKey(r.Key)).ToArray();
            added += missing.Length == 0 ? 0 : to.AddEvaluations(missing, cancellationToken);
        }

        return added;
    }
}
