using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Search.Specs;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Search.Results;

/// <summary>
/// Copies searches between stores: their histories, models and references (<see cref="ScoreStoreCopy"/>), then their
/// held-out re-scores, which are evaluations outside the histories (the headline of show, export and plot), found by
/// the keys show reads (<see cref="HeldOutKeys"/>). It parses specs, so it lives here rather than in Storage.
/// </summary>
public static class SearchCopy
{
    /// <summary>
    /// Copies every search of <paramref name="from"/>, or <paramref name="searchName"/>, with its held-out scores; returns what
    /// the history copy added and how many held-out scores were new.
    /// </summary>
    public static (CopyResult Histories, int HeldOut) Copy(IScoreStore from, IScoreStore to, string? searchName, CancellationToken cancellationToken)
    {
        var histories = ScoreStoreCopy.Copy(from, to, searchName, cancellationToken);
        return (histories, CopyHeldOut(from, to, searchName, cancellationToken));
    }

    private static int CopyHeldOut(IScoreStore from, IScoreStore to, string? searchName, CancellationToken cancellationToken)
    {
        var added = 0;
        foreach (var search in from.ListSearches(cancellationToken).Where(s => searchName is null || s.Name == searchName))
        {
            var spec = SearchResults.TryParseSpec(search);
            if (HeldOutKeys.Create(search, SearchResults.FindModel(from, spec, search.SpecJson), spec) is not { } keys)
            {
                continue;
            }

            var wanted = from.GetSearchEvaluations(search.Name, cancellationToken)
                .Select(SearchResults.TryRead).OfType<SamplerSchedule>()
                .Select(keys.KeyOf).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
            var found = from.GetEvaluations(wanted, cancellationToken).Values.ToArray();
            var present = to.GetEvaluations(found.Select(r => r.Key), cancellationToken);
            var missing = found.Where(r => !present.ContainsKey(r.Key)).ToArray();
            added += missing.Length == 0 ? 0 : to.AddEvaluations(missing, cancellationToken);
        }

        return added;
    }
}
