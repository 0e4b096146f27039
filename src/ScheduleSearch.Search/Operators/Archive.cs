using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation;

namespace ScheduleSearch.Search.Operators;

/// <summary>The scored schedules a generator has seen, in the order told; ties keep that order (deterministic).</summary>
internal sealed class Archive
{
    private readonly List<ScoredSchedule> items = [];
    private readonly HashSet<string> keys = new(StringComparer.Ordinal);

    public int Count => items.Count;

    public IReadOnlyList<ScoredSchedule> Items => items;

    /// <summary>True when a schedule with this key was told or marked as asked.</summary>
    public bool Seen(SamplerSchedule schedule) => keys.Contains(ScheduleKey.Compute(schedule));

    /// <summary>Marks a schedule as proposed; false when it was proposed or told before.</summary>
    public bool MarkAsked(SamplerSchedule schedule) => keys.Add(ScheduleKey.Compute(schedule));

    public void Add(IEnumerable<ScoredSchedule> results)
    {
        foreach (var r in results)
        {
            keys.Add(r.ScheduleKey);
            if (!items.Exists(i => i.ScheduleKey == r.ScheduleKey))
            {
                items.Add(r);
            }
        }
    }

    /// <summary>The best <paramref name="k"/> finite scores, best first.</summary>
    public IReadOnlyList<ScoredSchedule> Top(int k) =>
        items.Where(i => double.IsFinite(i.Score)).OrderBy(i => i.Score).Take(k).ToArray();

    public ScoredSchedule? Best => Top(1) is [var best] ? best : null;
}
