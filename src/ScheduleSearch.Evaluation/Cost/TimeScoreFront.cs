namespace ScheduleSearch.Evaluation.Cost;

/// <summary>
/// The front of model time against score (issue 9): the points that no point at most as expensive beats. The run's
/// objective and <c>show</c> both report it, from the same rule.
/// </summary>
public static class TimeScoreFront
{
    /// <summary>
    /// The front of <paramref name="points"/>, by increasing time, each scoring lower than the one before; ties in time
    /// and score are broken by <paramref name="key"/> (ordinal), so the front does not depend on the input's order.
    /// </summary>
    public static IReadOnlyList<T> Of<T>(IEnumerable<T> points, Func<T, double> milliseconds, Func<T, double> score, Func<T, string> key)
    {
        ArgumentNullException.ThrowIfNull(points);
        var front = new List<T>();
        foreach (var point in points.OrderBy(milliseconds).ThenBy(score).ThenBy(key, StringComparer.Ordinal))
        {
            if (front.Count == 0 || score(point) < score(front[^1]))
            {
                front.Add(point);
            }
        }

        return front;
    }
}
