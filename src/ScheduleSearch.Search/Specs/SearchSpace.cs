using System.Collections.Immutable;
using ScheduleSearch.Core.Schedules;

namespace ScheduleSearch.Search.Specs;

/// <summary>
/// The per-step decisions a search may choose from (a spec's "space" block, SOLVERS.md section 3). Lists keep
/// the order the spec wrote them in, so random draws are reproducible.
/// </summary>
public sealed record SearchSpace
{
    /// <summary>The default space: the exponential-integrator decisions of SOLVERS.md section 3.</summary>
    public static readonly SearchSpace Default = new();

    /// <summary>Predictions allowed.</summary>
    public ImmutableArray<Prediction> Predictions { get; init; } = [Prediction.Data, Prediction.Noise];

    /// <summary>Orders allowed (capped per step by the history and the method).</summary>
    public ImmutableArray<int> Orders { get; init; } = [1, 2, 3];

    /// <summary>Step methods allowed (multistep and singlestep; VE-view methods appear only through baselines).</summary>
    public ImmutableArray<StepMethod> Methods { get; init; } = [StepMethod.Multistep, StepMethod.Singlestep];

    /// <summary>Derivative forms allowed.</summary>
    public ImmutableArray<DerivativeForm> Derivatives { get; init; } =
        [DerivativeForm.DpmSolver, DerivativeForm.Taylor, DerivativeForm.UniPcBh1, DerivativeForm.UniPcBh2];

    /// <summary>Correctors allowed.</summary>
    public ImmutableArray<CorrectorKind> Correctors { get; init; } = [CorrectorKind.None, CorrectorKind.UniC];

    /// <summary>First point t_T (null = the model's default start).</summary>
    public double? TMax { get; init; }

    /// <summary>Lowest allowed last point t_0 (null = the model's default end).</summary>
    public double? TMinLow { get; init; }

    /// <summary>Highest allowed last point t_0 (equal to <see cref="TMinLow"/> when the end is fixed).</summary>
    public double? TMinHigh { get; init; }

    /// <summary>Whether per-step time shifts may be searched (not supported by this executor version; must be false).</summary>
    public bool TimeShift { get; init; }

    /// <summary>Highest order in <see cref="Orders"/>.</summary>
    public int MaxOrder => Orders.Max();

    /// <summary>Value equality over the lists' contents.</summary>
    public bool Equals(SearchSpace? other) =>
        other is not null && Predictions.SequenceEqual(other.Predictions) && Orders.SequenceEqual(other.Orders)
        && Methods.SequenceEqual(other.Methods) && Derivatives.SequenceEqual(other.Derivatives)
        && Correctors.SequenceEqual(other.Correctors) && TMax == other.TMax && TMinLow == other.TMinLow
        && TMinHigh == other.TMinHigh && TimeShift == other.TimeShift;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Orders.Length, Predictions.Length, TMax, TMinLow);
}
