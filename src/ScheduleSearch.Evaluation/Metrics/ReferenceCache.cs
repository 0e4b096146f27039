using System.Runtime.InteropServices;

namespace ScheduleSearch.Evaluation.Metrics;

/// <summary>
/// Remembers statistics of the reference set (the teacher's samples) per (array, row count), so that a metric
/// computes them once per fidelity rather than once per candidate. Thread-safe; keeps the last few entries.
/// </summary>
/// <typeparam name="T">The statistics kept.</typeparam>
internal sealed class ReferenceCache<T>
    where T : class
{
    private const int Capacity = 8;
    private readonly Lock gate = new();
    private readonly List<(object Array, int Offset, int Count, T Value)> entries = [];

    public T GetOrAdd(ReadOnlyMemory<double> reference, int count, Func<T> create)
    {
        if (!MemoryMarshal.TryGetArray(reference, out var segment) || segment.Array is null)
        {
            return create();
        }

        lock (gate)
        {
            foreach (var e in entries)
            {
                if (ReferenceEquals(e.Array, segment.Array) && e.Offset == segment.Offset && e.Count == count)
                {
                    return e.Value;
                }
            }
        }

        var value = create();
        lock (gate)
        {
            if (entries.Count == Capacity)
            {
                entries.RemoveAt(0);
            }

            entries.Add((segment.Array, segment.Offset, count, value));
        }

        return value;
    }
}
