namespace ScheduleSearch.Storage;

/// <summary>
/// Moves searches between stores (the laptop's LiteDB file and the cluster's PostgreSQL, either way): each search
/// with its spec, final status and history in order, every evaluation in it exactly as stored (cache hits stay
/// cache hits), and the registered models. Copying again adds nothing (keys are kept first-wins). Evaluations in
/// no search's history and teacher references are not copied (the evaluator recomputes a missing reference once).
/// </summary>
public static class ScoreStoreCopy
{
    private const int Chunk = 500;

    /// <summary>Copies every search of <paramref name="from"/>, or only <paramref name="searchName"/>, into <paramref name="to"/>; returns what was copied.</summary>
    public static CopyResult Copy(IScoreStore from, IScoreStore to, string? searchName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var searches = from.ListSearches(cancellationToken).Where(s => searchName is null || s.Name == searchName).ToList();
        if (searchName is not null && searches.Count == 0)
        {
            throw new KeyNotFoundException($"search '{searchName}' does not exist in the source");
        }

        foreach (var model in from.ListModels())
        {
            to.SaveModel(model);
        }

        int links = 0, added = 0;
        foreach (var search in searches)
        {
            // Every search named by a record must exist in the target before the record is stored.
            to.BeginSearch(search.Name, search.SpecJson, search.KeyContextJson);
        }

        foreach (var search in searches)
        {
            var history = from.GetSearchEvaluations(search.Name, cancellationToken);
            foreach (var named in history.SelectMany(r => r.SearchNames).Distinct(StringComparer.Ordinal).Where(n => to.GetSearch(n) is null))
            {
                to.BeginSearch(named, from.GetSearch(named)?.SpecJson ?? "{}");
                to.EndSearch(named, SearchStatus.Interrupted);
            }

            foreach (var chunk in history.Chunk(Chunk))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var present = to.GetEvaluations(chunk.Select(r => r.Key), cancellationToken);
                // Runs of records stored as computed by this search versus cache hits, so the target's history keeps the order.
                foreach (var run in Runs(chunk, r => !present.ContainsKey(r.Key) && r.SearchNames.Contains(search.Name)))
                {
                    if (run.Computed)
                    {
                        added += to.AddEvaluations(run.Records, cancellationToken);
                        links += run.Records.Count;
                    }
                    else
                    {
                        added += to.AddEvaluations([.. run.Records.Where(r => !present.ContainsKey(r.Key))], cancellationToken);
                        links += to.AddCacheHits(search.Name, run.Records.Select(r => r.Key), cancellationToken);
                    }
                }
            }

            to.EndSearch(search.Name, search.Status == SearchStatus.Running ? SearchStatus.Interrupted : search.Status);
        }

        return new CopyResult(searches.Count, added, links);
    }

    private static IEnumerable<(bool Computed, List<EvaluationRecord> Records)> Runs(IEnumerable<EvaluationRecord> records, Func<EvaluationRecord, bool> computed)
    {
        List<EvaluationRecord>? current = null;
        var kind = false;
        foreach (var record in records)
        {
            var k = computed(record);
            if (current is not null && k != kind)
            {
                yield return (kind, current);
                current = null;
            }

            current ??= [];
            kind = k;
            current.Add(record);
        }

        if (current is not null)
        {
            yield return (kind, current);
        }
    }
}
