using System.Buffers;

namespace ScheduleSearch.Core.Denoising;

/// <summary>
/// An <see cref="IConditionedNetwork"/> as a denoiser without guidance: sample i is evaluated under condition
/// <c>conditions[i mod Count]</c> (none for an unconditional network), whatever call or view it arrives in.
/// </summary>
public sealed class ConditionedDenoiser : ParameterizedDenoiser, ISampleIndexedDenoiser
{
    private readonly IConditionedNetwork network;
    private readonly int[] conditions;

    /// <summary>Evaluates <paramref name="network"/>; <paramref name="conditions"/> cycle over the samples (empty when the network is unconditional).</summary>
    public ConditionedDenoiser(IConditionedNetwork network, IReadOnlyList<int> conditions)
        : base(Checked(network).Schedule, network.SampleSize, network.Parameterization)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        if (network.IsConditioned && conditions.Count == 0)
        {
            throw new ArgumentException("a conditioned network needs at least one condition per sample", nameof(conditions));
        }

        this.network = network;
        this.conditions = network.IsConditioned ? [.. conditions] : [];
    }

    /// <summary>
    /// Rows at their own times go to the network in one run when it takes a time per row and rows carry no condition
    /// (a conditioned row follows its sample, which a batch of several candidates' rows would not keep).
    /// </summary>
    protected override bool EvaluatesRowTimes => network.AcceptsRowTimes && conditions.Length == 0;

    /// <inheritdoc />
    public IDenoiser FromSample(int firstSample)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstSample);
        return firstSample == 0 || conditions.Length == 0 ? this : new View(this, firstSample);
    }

    /// <inheritdoc />
    protected override void Evaluate(ReadOnlySpan<double> x, int batch, double t, Span<double> output) =>
        EvaluateFrom(x, batch, t, output, 0);

    /// <inheritdoc />
    protected override void EvaluateRows(ReadOnlySpan<double> x, ReadOnlySpan<double> t, Span<double> output) =>
        network.Evaluate(x, t.Length, t, [], output);

    private static IConditionedNetwork Checked(IConditionedNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network;
    }

    private void EvaluateFrom(ReadOnlySpan<double> x, int batch, double t, Span<double> output, int first)
    {
        if (conditions.Length == 0)
        {
            network.Evaluate(x, batch, new ReadOnlySpan<double>(in t), [], output);
            return;
        }

        var rented = ArrayPool<int>.Shared.Rent(batch);
        try
        {
            var rows = rented.AsSpan(0, batch);
            for (var i = 0; i < batch; i++)
            {
                rows[i] = conditions[(first + i) % conditions.Length];
            }

            network.Evaluate(x, batch, new ReadOnlySpan<double>(in t), rows, output);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(rented);
        }
    }

    /// <summary>The denoiser seen from sample <c>first</c> on: its conditions start at that sample's.</summary>
    private sealed class View(ConditionedDenoiser owner, int first)
        : ParameterizedDenoiser(owner.Schedule, owner.SampleSize, owner.Parameterization)
    {
        protected override void Evaluate(ReadOnlySpan<double> x, int batch, double t, Span<double> output) =>
            owner.EvaluateFrom(x, batch, t, output, first);
    }
}
