using ScheduleSearch.Core.Solvers;

namespace ScheduleSearch.Evaluation.Scoring;

/// <summary>
/// The evaluator's in-memory LRU of prefix states (issue 6), bounded by the bytes the states hold. Keys name the
/// noise set, the samples and the schedule prefix (<see cref="SamplerPrefix.Key"/>); one evaluator serves one model,
/// so the model is implied. States captured by one run share their common history points
/// (<see cref="SamplerState.Buffers"/>); each buffer is counted once, while any state holding it is kept. Thread-safe.
/// </summary>
internal sealed class PrefixStateCache(long capacityBytes)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, LinkedListNode<KeyValuePair<string, SamplerState>>> index = new(StringComparer.Ordinal);
    private readonly LinkedList<KeyValuePair<string, SamplerState>> recency = [];
    private readonly Dictionary<object, int> references = new(ReferenceEqualityComparer.Instance);
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
            foreach (var (buffer, length) in state.Buffers())
            {
                var count = references.GetValueOrDefault(buffer);
                bytes += count == 0 ? length : 0;
                references[buffer] = count + 1;
            }

            while (bytes > capacityBytes && recency.Last is { } oldest)
            {
                recency.RemoveLast();
                index.Remove(oldest.Value.Key);
                foreach (var (buffer, length) in oldest.Value.Value.Buffers())
                {
                    var count = references[buffer] - 1;
                    if (count == 0)
                    {
                        references.Remove(buffer);
                        bytes -= length;
                    }
                    else
                    {
                        references[buffer] = count;
                    }
                }
            }
        }
    }
}
