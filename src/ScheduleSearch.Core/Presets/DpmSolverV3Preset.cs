using ScheduleSearch.Core.Ems;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Schedules;

namespace ScheduleSearch.Core.Presets;

/// <summary>
/// The <c>dpm-solver-v3</c> preset: the authors' sampler (thu-ml/DPM-Solver-v3, <c>DPM_Solver_v3.sample</c>) as a
/// schedule. Timesteps are snapped to the statistics grid first (their convert_to_indexes / convert_to_timesteps);
/// then step k of M predicts at order min(k, order) (capped at M + 1 - k with lower_order_final) and, but for the last
/// step, carries the corrector of order p_k + c_pseudo when that exceeds 1.
/// </summary>
public static class DpmSolverV3Preset
{
    /// <summary>The preset's name.</summary>
    public const string Name = "dpm-solver-v3";

    /// <summary>
    /// The grid whose points the steps snap to: the card's statistics, or for degenerated statistics on a model
    /// without them, 1200 equal lambda steps over the model's default range (what the authors' sampler would build).
    /// </summary>
    public static EmsStatistics GridOf(NoiseSchedule schedule, EmsStatistics? ems, DpmSolverV3Options options)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(options);
        if (ems is not null)
        {
            return ems;
        }

        return options.Degenerated
            ? EmsStatistics.Degenerated(schedule, 1, schedule.DefaultTStart, schedule.DefaultTEnd)
            : throw new ArgumentException("preset dpm-solver-v3 needs the model's empirical model statistics (card field \"ems\"; estimate them with schedule-search model stats CARD --ems), or the option \"degenerated\": true");
    }

    /// <summary>The preset on <paramref name="grid"/> (N + 1 descending times, snapped here to the statistics grid).</summary>
    public static SamplerSchedule Create(NoiseSchedule schedule, EmsStatistics? ems, IReadOnlyList<double> grid, DpmSolverV3Options? options, string label)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(grid);
        options ??= DpmSolverV3Options.Default;
        var statistics = GridOf(schedule, ems, options);
        var times = statistics.Snap(schedule, grid, out var indexes);
        for (var k = 1; k < indexes.Length; k++)
        {
            if (indexes[k] <= indexes[k - 1])
            {
                throw new ArgumentException($"dpm-solver-v3: timesteps {k - 1} and {k} snap to grid points {indexes[k - 1]} and {indexes[k]} of the {statistics.Intervals}-interval statistics grid; the steps must be at least one grid interval apart and descending");
            }
        }

        var steps = Steps(times, options);
        return new SamplerSchedule(label, schedule.Kind, times, steps, new ScheduleOptions { EmsDegenerated = options.Degenerated });
    }

    /// <summary>The step choices on a snapped grid of M intervals.</summary>
    public static StepChoice[] Steps(IReadOnlyList<double> times, DpmSolverV3Options options)
    {
        ArgumentNullException.ThrowIfNull(times);
        ArgumentNullException.ThrowIfNull(options);
        var m = times.Count - 1;
        var steps = new StepChoice[m];
        for (var k = 1; k <= m; k++)
        {
            var order = Math.Min(k, options.Order);
            if (options.LowerOrderFinal)
            {
                order = Math.Min(order, m + 1 - k);
            }

            // The authors correct at the start of step k + 1 (before its predictor), with this step's order; in a
            // schedule that corrector belongs to step k. It never follows the last step.
            var correctorOrder = order + (options.CPseudo ? 1 : 0);
            var corrects = options.UseCorrector && k < m && correctorOrder > 1 && (!options.Half || times[k] > 0.5);
            steps[k - 1] = new StepChoice
            {
                Method = StepMethod.Multistep,
                Order = order,
                Prediction = Prediction.Data,
                Derivative = options.PPseudo ? DerivativeForm.DpmSolverV3Pseudo : DerivativeForm.DpmSolverV3,
                Corrector = !corrects ? CorrectorKind.None : options.CPseudo ? CorrectorKind.DpmSolverV3Pseudo : CorrectorKind.DpmSolverV3,
            };
        }

        return steps;
    }
}
