namespace ScheduleSearch.Search.Running;

/// <summary>
/// How a racing search picks its winner per NFE among the schedules scored on its validation set (its incumbents and
/// the best baseline): the lowest validation score, ties to the lower scoring value, then the schedule key. The run
/// and the readers (show, export, report) apply the same rule to the same stored scores, so they agree.
/// </summary>
public static class RaceWinner
{
    /// <summary>The index of the winner among <paramref name="candidates"/> (scoring value, validation score, schedule key), or -1 when none has a finite validation score.</summary>
    public static int Choose(IReadOnlyList<(double Scoring, double Validation, string ScheduleKey)> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var best = -1;
        for (var i = 0; i < candidates.Count; i++)
        {
            var c = candidates[i];
            if (!double.IsFinite(c.Validation))
            {
                continue;
            }

            if (best < 0 || Better(c, candidates[best]))
            {
                best = i;
            }
        }

        return best;
    }

    private static bool Better((double Scoring, double Validation, string ScheduleKey) a, (double Scoring, double Validation, string ScheduleKey) b) =>
        a.Validation != b.Validation ? a.Validation < b.Validation
        : a.Scoring != b.Scoring ? a.Scoring < b.Scoring
        : string.CompareOrdinal(a.ScheduleKey, b.ScheduleKey) < 0;
}
