using System.Collections.Immutable;
using ScheduleSearch.Core.Schedules;

namespace ScheduleSearch.Search.Specs;

/// <summary>
/// The per-step decisions a search may choose from (a spec's "space" block, SOLVERS.md section 3). Lists keep
/// the order the spec wrote them in, so random draws are reproducible.
/// </summary>
public sealed record SearchSpace
{
    /// <summary>
    /// The default space: the exponential-integrator decisions of SOLVERS.md section 3 plus the analytical first step
    /// and per-step time shifts (TS-DPM), the two wider decisions that helped where measured (bench/BENCHMARKS.md,
    /// "Wider search space": time shift on the trained networks; on exact mixtures, which have no exposure bias, it
    /// costs a little, and the checked-in mixture specs turn it off).
    /// </summary>
    public static readonly SearchSpace Default = new() { TimeShift = true };

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

    /// <summary>
    /// Whether a candidate may keep per-step decisions its baseline template brought from outside the lists above (a
    /// VE-view method, DEIS): true while the lists are the default ones (a spec that restricts none of prediction,
    /// order, method, derivative and corrector; the DPM-Solver-v3 entries added to the default lists restrict nothing), so
    /// the default search tunes the timesteps of whichever classic solver won. A space with any list restricted or changed holds every candidate to its lists (<see cref="SpaceMembership"/>);
    /// baselines are then only starting points, projected into the space.
    /// </summary>
    public bool KeepsBaselineDecisions =>
        Predictions.SequenceEqual(DefaultLists.Predictions) && Orders.SequenceEqual(DefaultLists.Orders)
        && Methods.SequenceEqual(DefaultLists.Methods)
        && Derivatives.Where(d => d is not (DerivativeForm.DpmSolverV3 or DerivativeForm.DpmSolverV3Pseudo)).SequenceEqual(DefaultLists.Derivatives)
        && Correctors.Where(c => c is not (CorrectorKind.DpmSolverV3 or CorrectorKind.DpmSolverV3Pseudo)).SequenceEqual(DefaultLists.Correctors);

    /// <summary>True when the lists name a DPM-Solver-v3 derivative or corrector (steps that read the card's statistics).</summary>
    public bool HasDpmSolverV3 =>
        Derivatives.Any(d => d is DerivativeForm.DpmSolverV3 or DerivativeForm.DpmSolverV3Pseudo)
        || Correctors.Any(c => c is CorrectorKind.DpmSolverV3 or CorrectorKind.DpmSolverV3Pseudo);

    /// <summary>First point t_T (null = the model's default start).</summary>
    public double? TMax { get; init; }

    /// <summary>Lowest allowed last point t_0 (null = the model's default end).</summary>
    public double? TMinLow { get; init; }

    /// <summary>Highest allowed last point t_0 (equal to <see cref="TMinLow"/> when the end is fixed).</summary>
    public double? TMinHigh { get; init; }

    /// <summary>Whether per-step time shifts (TS-DPM) are searched, each within +/- <see cref="TimeShiftBound"/> times the step's start t.</summary>
    public bool TimeShift { get; init; }

    /// <summary>Largest |time_shift| as a fraction of the step's start time t_i (spec: a number for <c>time_shift</c>).</summary>
    public double TimeShiftBound { get; init; } = DefaultTimeShiftBound;

    /// <summary>Whether per-step DC-Solver compensation ratios are searched (on steps with a corrector), within 1 +/- <see cref="CompensationBound"/>.</summary>
    public bool Compensation { get; init; }

    /// <summary>Largest |rho - 1| of a compensation ratio.</summary>
    public double CompensationBound { get; init; } = DefaultCompensationBound;

    /// <summary>Whether GHVB heavy-ball momentum (options.momentum) is searched, within [0, <see cref="MomentumMax"/>].</summary>
    public bool Momentum { get; init; }

    /// <summary>Largest momentum beta searched (below 1).</summary>
    public double MomentumMax { get; init; } = DefaultMomentumMax;

    /// <summary>Whether a Gaussian teleport first step (0 evaluations) is searched, landing at t_skip &gt;= <see cref="TeleportLowest"/> t_T.</summary>
    public bool Teleport { get; init; }

    /// <summary>Lowest teleport landing point t_skip as a fraction of the start t_T.</summary>
    public double TeleportLowest { get; init; } = DefaultTeleportLowest;

    /// <summary>
    /// The analytical first steps searched (empty = off); each saves the first evaluation. On by default: measured on
    /// gmm-64 (bench/BENCHMARKS.md, "Wider search space"), it took NFE 4 from -35% to -58% held-out at 600 evaluations
    /// and left NFE 5 unchanged within the seeds' range.
    /// </summary>
    public ImmutableArray<AnalyticFirstStep> AfsModes { get; init; } = [AnalyticFirstStep.ZeroX0, AnalyticFirstStep.MeanX0];

    /// <summary>
    /// The card's model variants a step may run on besides the primary network (empty = off, every step on the
    /// primary). Searched per step, mostly as T-Stitch's switch point (a cheap variant for the early steps).
    /// </summary>
    public ImmutableArray<string> Models { get; init; } = [];

    /// <summary>A space with the default decision lists (what <see cref="KeepsBaselineDecisions"/> compares with).</summary>
    private static readonly SearchSpace DefaultLists = new();

    /// <summary>Default of <see cref="TimeShiftBound"/>.</summary>
    public const double DefaultTimeShiftBound = 0.1;

    /// <summary>Default of <see cref="CompensationBound"/>.</summary>
    public const double DefaultCompensationBound = 0.3;

    /// <summary>Default of <see cref="MomentumMax"/>.</summary>
    public const double DefaultMomentumMax = 0.5;

    /// <summary>Default of <see cref="TeleportLowest"/>.</summary>
    public const double DefaultTeleportLowest = 0.5;

    /// <summary>The space before the wider decisions: <see cref="Default"/> with the analytical first step and time shifts off.</summary>
    public static readonly SearchSpace Plain = new() { AfsModes = [] };

    /// <summary>True when any decision of the wider space (issue 9) is searched.</summary>
    public bool IsWide => TimeShift || Compensation || Momentum || Teleport || AfsModes.Length > 0 || Models.Length > 0;

    /// <summary>This space with every decision of the wider space switched on at its default bound.</summary>
    public SearchSpace WithWideDecisions() => this with
    {
        TimeShift = true,
        Compensation = true,
        Momentum = true,
        Teleport = true,
        AfsModes = [AnalyticFirstStep.ZeroX0, AnalyticFirstStep.MeanX0],
    };

    /// <summary>
    /// This space for a model whose card has no data statistics: without the mean-x0 first step and the teleport, which
    /// need the data's mean and covariance (their candidates would only fail and waste budget).
    /// </summary>
    public SearchSpace WithoutDataStatistics() => this with
    {
        Teleport = false,
        AfsModes = [.. AfsModes.Where(m => m != AnalyticFirstStep.MeanX0)],
    };

    /// <summary>Highest order in <see cref="Orders"/>.</summary>
    public int MaxOrder => Orders.Max();

    /// <summary>Value equality over the lists' contents.</summary>
    public bool Equals(SearchSpace? other) =>
        other is not null && Predictions.SequenceEqual(other.Predictions) && Orders.SequenceEqual(other.Orders)
        && Methods.SequenceEqual(other.Methods) && Derivatives.SequenceEqual(other.Derivatives)
        && Correctors.SequenceEqual(other.Correctors) && TMax == other.TMax && TMinLow == other.TMinLow
        && TMinHigh == other.TMinHigh && TimeShift == other.TimeShift && TimeShiftBound == other.TimeShiftBound
        && Compensation == other.Compensation && CompensationBound == other.CompensationBound && Momentum == other.Momentum
        && MomentumMax == other.MomentumMax && Teleport == other.Teleport && TeleportLowest == other.TeleportLowest
        && AfsModes.SequenceEqual(other.AfsModes) && Models.SequenceEqual(other.Models);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Orders.Length, Predictions.Length, TMax, TMinLow);
}
