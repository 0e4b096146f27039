using ScheduleSearch.Storage;

namespace ScheduleSearch.Evaluation.Cost;

/// <summary>
/// Keeps a search's measured <see cref="ModelCallTimes"/> in its store (a <see cref="ReferenceArray"/> named
/// "model-call-times/SEARCH"): measured on the first run, read back on every later one, so a resumed search
/// (and a rerun of the same spec on the same store) checks its time budget against the same figures and replays
/// the same sequence. A new store measures anew; times differ between machines and loads, scores do not.
/// </summary>
public static class ModelCallTimesStore
{
    /// <summary>The reference name for <paramref name="searchName"/>.</summary>
    public static string ReferenceName(string searchName) => "model-call-times/" + searchName;

    /// <summary>The stored times of <paramref name="searchName"/>, or null when none are stored.</summary>
    public static ModelCallTimes? Get(IScoreStore store, string searchName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.GetReference(ReferenceName(searchName), cancellationToken) is { DescriptionJson: { } json } ? ModelCallTimes.FromJson(json) : null;
    }

    /// <summary>The stored times of <paramref name="searchName"/>; when none are stored, <paramref name="measure"/>'s, stored first.</summary>
    public static ModelCallTimes GetOrMeasure(IScoreStore store, string searchName, Func<ModelCallTimes> measure, TimeProvider? clock = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(measure);
        if (Get(store, searchName, cancellationToken) is { } stored)
        {
            return stored;
        }

        var times = measure();
        var reference = new ReferenceArray
        {
            Name = ReferenceName(searchName),
            Shape = [times.MillisecondsPerSample.Count],
            Data = [.. times.MillisecondsPerSample.Values],
            Created = (clock ?? TimeProvider.System).GetUtcNow(),
            DescriptionJson = times.ToJson(),
        };

        // Another process may have stored its figures first: the first stored wins, for everyone.
        return store.AddReference(reference, cancellationToken) ? times : Get(store, searchName, cancellationToken) ?? times;
    }
}
