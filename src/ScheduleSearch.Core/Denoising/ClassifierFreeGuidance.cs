using System.Buffers;

namespace ScheduleSearch.Core.Denoising;

/// <summary>
/// Classifier-free guidance (Ho and Salimans 2022, eq. 6) as a denoiser over an <see cref="IConditionedNetwork"/>:
/// <c>uncond + w (cond - uncond)</c> on the network's raw output. Sample i is guided by condition
/// <c>conditions[i mod Count]</c> against its unconditional counterpart <c>~c</c>. Both halves of a piece of the batch
/// go to the network in one run, as DPM-Solver's <c>model_wrapper</c> does with <c>torch.cat([x] * 2)</c>; a network
/// that takes a single row per run (a batch axis fixed at 1) is run once per half.
/// </summary>
public sealed class ClassifierFreeGuidance : ParameterizedDenoiser, ISampleIndexedDenoiser
{
    private readonly IConditionedNetwork network;
    private readonly int[] conditions;

    /// <summary>Guides <paramref name="network"/> with scale <paramref name="scale"/>; <paramref name="conditions"/> cycle over the samples.</summary>
    public ClassifierFreeGuidance(IConditionedNetwork network, IReadOnlyList<int> conditions, double scale)
        : base(Checked(network).Schedule, network.SampleSize, network.Parameterization)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        if (!network.IsConditioned)
        {
            throw new ArgumentException("classifier-free guidance needs a conditioned network", nameof(network));
        }

        if (conditions.Count == 0 || conditions.Any(c => c < 0))
        {
            throw new ArgumentException("classifier-free guidance needs at least one condition, each non-negative", nameof(conditions));
        }

        this.network = network;
        this.conditions = [.. conditions];
        Scale = scale;
    }

    /// <summary>The guidance scale w (1: the conditional model alone; 0: the unconditional one).</summary>
    public double Scale { get; }

    /// <summary>Samples per network run: both halves of each fit one run (at least one sample, run once per half).</summary>
    public int SamplesPerRun => Math.Max(1, network.MaxRowsPerRun / 2);

    /// <inheritdoc />
    public IDenoiser FromSample(int firstSample)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstSample);
        return firstSample == 0 ? this : new View(this, firstSample);
    }

    /// <inheritdoc />
    protected override void Evaluate(ReadOnlySpan<double> x, int batch, double t, Span<double> output) =>
        EvaluateFrom(x, batch, t, output, 0);

    private static IConditionedNetwork Checked(IConditionedNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network;
    }

    private void EvaluateFrom(ReadOnlySpan<double> x, int batch, double t, Span<double> output, int first)
    {
        var size = SampleSize;
        var perRun = SamplesPerRun;
        var together = network.MaxRowsPerRun >= 2;
        var times = new ReadOnlySpan<double>(in t);
        var rentedConditions = ArrayPool<int>.Shared.Rent(2 * Math.Min(perRun, batch));
        var rentedOutput = ArrayPool<double>.Shared.Rent(2 * Math.Min(perRun, batch) * size);
        try
        {
            for (var start = 0; start < batch; start += perRun)
            {
                var n = Math.Min(perRun, batch - start);
                var rows = rentedConditions.AsSpan(0, 2 * n);
                for (var i = 0; i < n; i++)
                {
                    var c = conditions[(first + start + i) % conditions.Length];
                    rows[i] = c;
                    rows[n + i] = ~c;
                }

                var xs = x.Slice(start * size, n * size);
                var both = rentedOutput.AsSpan(0, 2 * n * size);
                if (together)
                {
                    network.Evaluate(xs, 2 * n, times, rows, both);
                }
                else
                {
                    network.Evaluate(xs, n, times, rows[..n], both[..(n * size)]);
                    network.Evaluate(xs, n, times, rows[n..], both[(n * size)..]);
                }

                var target = output.Slice(start * size, n * size);
                var conditional = both[..(n * size)];
                var unconditional = both[(n * size)..];
                for (var i = 0; i < target.Length; i++)
                {
                    target[i] = unconditional[i] + (Scale * (conditional[i] - unconditional[i]));
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(rentedConditions);
            ArrayPool<double>.Shared.Return(rentedOutput);
        }
    }

    /// <summary>The guided denoiser seen from sample <c>first</c> on: its conditions start at that sample's.</summary>
    private sealed class View(ClassifierFreeGuidance owner, int first)
        : ParameterizedDenoiser(owner.Schedule, owner.SampleSize, owner.Parameterization)
    {
        protected override void Evaluate(ReadOnlySpan<double> x, int batch, double t, Span<double> output) =>
            owner.EvaluateFrom(x, batch, t, output, first);
    }
}
