using ScheduleSearch.Core.Solvers;

namespace ScheduleSearch.Evaluation;

/// <summary>
/// The evaluator's in-memory LRU of prefix states (issue 6), bounded by the bytes the states hold. Keys name the
/// noise set, the samples and the schedule prefix (<see cref="SamplerPrefix.Key"/>); one evaluator serves one model,
/// so the model is implied. Thread-safe.
/// </summary>
internal sealed class PrefixStateCache(long capacityBytes)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, LinkedListNode<KeyValuePair<string, SamplerState>>> index = new(StringComparer.Ordinal);
    private readonly LinkedList<KeyValuePair<string, SamplerState>> recency = [];
    private long bytes;

    /// <summary>Bytes held now.</summary>
    public long Bytes
    {
        get
        {
            lock (gate)
            {
                return bytes;
            }
        }
    }

    /// <summary>The state under <paramref name="key"/>, now the most recently used, or null.</summary>
    public SamplerState? Get(string key)
    {
        lock (gate)
        {
            if (!index.TryGetValue(key, out var node))
            {
                return null;
            }

            recency.Remove(node);
            recency.AddFirst(node);
            return node.Value.Value;
        }
    }

    /// <summary>True when a state is held under <paramref name="key"/> (recency unchanged).</summary>
    public bool Contains(string key)
    {
        lock (gate)
        {
            return index.ContainsKey(key);
        }
    }

    /// <summary>Keeps <paramref name="state"/> under <paramref name="key"/>, evicting the least recently used beyond the bound.</summary>
    public void Add(string key, SamplerState state)
    {
        var size = state.SizeInBytes;
        if (size > capacityBytes)
        {
            return;
        }

        lock (gate)
        {
            if (index.ContainsKey(key))
            {
                return;
            }

            index[key] = recency.AddFirst(new KeyValuePair<string, SamplerState>(key, state));
            bytes += size;
            while (bytes > capacityBytes && recency.Last is { } oldest)
            {
                recency.RemoveLast();
                index.Remove(oldest.Value.Key);
                bytes -= oldest.Value.Value.SizeInBytes;
            }
        }
    }
}
