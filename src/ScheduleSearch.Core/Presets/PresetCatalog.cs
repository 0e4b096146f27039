using ScheduleSearch.Core.Ems;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Spacings;

namespace ScheduleSearch.Core.Presets;

/// <summary>
/// The classic solvers of SOLVERS.md section 4 as schedule factories. Each produces a plain
/// <see cref="SamplerSchedule"/> that the one executor runs.
/// </summary>
public static class PresetCatalog
{
    private static readonly StepChoice Data = new() { Prediction = Prediction.Data, Derivative = DerivativeForm.DpmSolver };
    private static readonly StepChoice Noise = Data with { Prediction = Prediction.Noise };

    private static readonly Preset[] All =
    [
        Multistep("ddim", Data, 1, Spacing.TimeUniform, DpmLowerOrderFinal, "DDIM (Song et al. 2021) = DPM-Solver-1"),
        Multistep("dpm-solver-2m", Noise, 2, Spacing.LogSnrUniform, DpmLowerOrderFinal, "DPM-Solver multistep, noise prediction"),
        Multistep("dpm-solver++-2m", Data, 2, Spacing.LogSnrUniform, DpmLowerOrderFinal, "DPM-Solver++(2M)"),
        Multistep("dpm-solver++-3m", Data, 3, Spacing.LogSnrUniform, DpmLowerOrderFinal, "DPM-Solver++ multistep order 3"),
        Singlestep("dpm-solver-2s", Noise, 2, fixedOrder: false),
        Singlestep("dpm-solver-3s", Noise, 3, fixedOrder: false),
        Singlestep("dpm-solver++-2s", Data, 2, fixedOrder: false),
        Singlestep("dpm-solver-2s-fixed", Noise, 2, fixedOrder: true),
        Singlestep("dpm-solver-3s-fixed", Noise, 3, fixedOrder: true),
        Singlestep("dpm-solver++-2s-fixed", Data, 2, fixedOrder: true),
        .. UniPc(DerivativeForm.UniPcBh1, "unipc-bh1"),
        .. UniPc(DerivativeForm.UniPcBh2, "unipc-bh2"),
        Multistep("deis-tab-1", Noise with { Derivative = DerivativeForm.Deis }, 1, Spacing.TimeUniform, WarmUpOnly, "DEIS tAB order 1"),
        Multistep("deis-tab-2", Noise with { Derivative = DerivativeForm.Deis }, 2, Spacing.TimeUniform, WarmUpOnly, "DEIS tAB order 2"),
        Multistep("deis-tab-3", Noise with { Derivative = DerivativeForm.Deis }, 3, Spacing.TimeUniform, WarmUpOnly, "DEIS tAB order 3"),
        new Preset
        {
            Name = "ipndm", DefaultSpacing = Spacing.TimeUniform, Source = "improved PNDM (Zhang and Chen 2022): Adams-Bashforth 1-4 on eps",
            Intervals = (nfe, _) => nfe, Steps = (n, _) => Repeat(new StepChoice { Method = StepMethod.Ipndm, Order = 4 }, n),
        },
        new Preset
        {
            Name = "plms", DefaultSpacing = Spacing.TimeUniform, Source = "PNDM's PLMS as in LDM: pseudo improved-Euler warm-up, then Adams-Bashforth",
            Intervals = (nfe, _) => nfe >= 2 ? nfe - 1 : null, Steps = (n, _) => Repeat(new StepChoice { Method = StepMethod.Plms, Order = 4 }, n),
        },
        new Preset
        {
            Name = DpmSolverV3Preset.Name, DefaultSpacing = Spacing.LogSnrUniform,
            Source = "DPM-Solver-v3 (Zheng et al. 2023) with the model's empirical statistics; options as the authors' sample() flags",
            Intervals = (nfe, zeroEnd) => zeroEnd ? null : nfe,
            Steps = (n, _) => DpmSolverV3Preset.Steps(new double[n + 1], DpmSolverV3Options.Default),
            NeedsEms = true,
        },
        new Preset
        {
            Name = "euler", DefaultSpacing = Spacing.Karras7, Source = "EDM's Euler (Karras et al. 2022)",
            Intervals = (nfe, _) => nfe, Steps = (n, _) => Repeat(new StepChoice { Method = StepMethod.Euler }, n),
        },
        new Preset
        {
            Name = "heun", DefaultSpacing = Spacing.Karras7, Source = "EDM's Heun, Euler on the last step to sigma 0 (Karras et al. 2022, Alg. 1)",
            Intervals = (nfe, zeroEnd) => zeroEnd ? (nfe % 2 == 1 ? (nfe + 1) / 2 : null) : (nfe % 2 == 0 ? nfe / 2 : null),
            Steps = (n, _) => Repeat(new StepChoice { Method = StepMethod.Heun, Order = 2 }, n),
        },
    ];

    /// <summary>Every preset name.</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(p => p.Name).ToArray();

    /// <summary>Looks a preset up; throws naming the value and the choices.</summary>
    public static Preset Get(string name) =>
        All.FirstOrDefault(p => p.Name == name)
        ?? throw new ArgumentException($"unknown preset '{name}'; expected one of {string.Join(", ", Names)}", nameof(name));

    /// <summary>
    /// The preset's schedule spending exactly <paramref name="nfe"/> evaluations on a grid of <paramref name="spacing"/>
    /// (the preset's default when null) from <paramref name="tStart"/> to <paramref name="tEnd"/> (the model's defaults when null).
    /// <paramref name="ems"/> (the card's empirical model statistics) and <paramref name="v3Options"/> serve the
    /// <c>dpm-solver-v3</c> preset only.
    /// </summary>
    public static SamplerSchedule Create(string name, NoiseSchedule schedule, int nfe, Spacing? spacing = null, double? tStart = null, double? tEnd = null, EmsStatistics? ems = null, DpmSolverV3Options? v3Options = null)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var preset = Get(name);
        spacing ??= preset.DefaultSpacing;
        var start = tStart ?? schedule.DefaultTStart;
        var end = tEnd ?? schedule.DefaultTEnd;
        var intervals = preset.Intervals(nfe, end == 0.0)
            ?? throw new ArgumentException($"preset {name} cannot spend exactly {nfe} evaluations{(end == 0.0 ? " on a grid ending at sigma 0" : string.Empty)}");
        if (intervals < 1)
        {
            throw new ArgumentException($"preset {name} needs more than {nfe} evaluations");
        }

        double[] grid;
        if (preset.SinglestepOrders is { } orders && spacing.Kind != SpacingKind.LogSnrUniform)
        {
            // DPM-Solver: for time spacings the NFE-interval grid is built and the points at cumsum(orders) kept.
            var full = Grids.Build(spacing, schedule, nfe, start, end);
            var o = orders(nfe);
            var points = new List<double> { full[0] };
            var index = 0;
            foreach (var order in o)
            {
                index += order;
                points.Add(full[index]);
            }

            grid = [.. points];
        }
        else
        {
            grid = Grids.Build(spacing, schedule, intervals, start, end);
        }

        var result = preset.NeedsEms
            ? DpmSolverV3Preset.Create(schedule, ems, grid, v3Options, $"{name} ({spacing.Name})")
            : Build(preset, schedule, grid, nfe, $"{name} ({spacing.Name})");
        if (result.Nfe != nfe)
        {
            // Only a first-order step can land on sigma = 0, which changes a singlestep preset's cost.
            throw new ArgumentException($"preset {name} cannot spend exactly {nfe} evaluations on a grid ending at t = 0 (its last step must be first order there); end at t > 0 instead");
        }

        return result;
    }

    /// <summary>The preset's rules applied to a given grid (N + 1 descending times, t_T first).</summary>
    public static SamplerSchedule Create(string name, NoiseSchedule schedule, IReadOnlyList<double> timesteps, EmsStatistics? ems = null, DpmSolverV3Options? v3Options = null)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(timesteps);
        var preset = Get(name);
        return preset.NeedsEms
            ? DpmSolverV3Preset.Create(schedule, ems, timesteps, v3Options, $"{name} (explicit)")
            : Build(preset, schedule, timesteps, null, $"{name} (explicit)");
    }

    private static SamplerSchedule Build(Preset preset, NoiseSchedule schedule, IReadOnlyList<double> grid, int? nfe, string label)
    {
        var steps = preset.Steps(grid.Count - 1, nfe);
        if (grid[^1] == 0.0)
        {
            // Only a first-order data step (or a VE-view method) can land on sigma = 0 (k-diffusion does the same).
            var lastStep = steps[^1];
            if (lastStep.IsExponentialIntegrator)
            {
                steps[^1] = lastStep with { Order = 1, Prediction = Prediction.Data, Corrector = CorrectorKind.None };
            }
        }

        return new SamplerSchedule(label, schedule.Kind, grid, steps);
    }

    private static Preset Multistep(string name, StepChoice step, int order, Spacing spacing, Func<int, int, int, int> orderRule, string source) => new()
    {
        Name = name,
        DefaultSpacing = spacing,
        Source = source,
        Intervals = (nfe, _) => nfe,
        Steps = (n, _) => Enumerable.Range(1, n).Select(i => step with { Order = orderRule(order, i, n) }).ToArray(),
    };

    private static IEnumerable<Preset> UniPc(DerivativeForm variant, string prefix)
    {
        for (var p = 1; p <= 3; p++)
        {
            var order = p;
            var step = Data with { Derivative = variant };
            yield return new Preset
            {
                Name = $"{prefix}-{p}",
                DefaultSpacing = Spacing.LogSnrUniform,
                Source = $"UniPC ({prefix[^3..]}), UniP-{p} with UniC after every step but the last",
                Intervals = (nfe, _) => nfe,
                Steps = (n, _) => Enumerable.Range(1, n).Select(i => step with
                {
                    Order = UniPcOrder(order, i, n),
                    Corrector = i < n ? CorrectorKind.UniC : CorrectorKind.None,
                }).ToArray(),
            };
        }
    }

    private static Preset Singlestep(string name, StepChoice step, int order, bool fixedOrder)
    {
        Func<int, int[]> orders = fixedOrder
            ? nfe => Enumerable.Repeat(order, nfe / order).ToArray()
            : nfe => DpmSinglestepOrders(nfe, order);
        return new Preset
        {
            Name = name,
            DefaultSpacing = Spacing.LogSnrUniform,
            Source = fixedOrder ? $"DPM-Solver singlestep_fixed, order {order}" : $"DPM-Solver-{order} singlestep (DPM-Solver-fast order rule)",
            Intervals = (nfe, _) => fixedOrder && nfe % order != 0 ? null : orders(nfe).Length,
            // On an explicit grid (no NFE asked for) every step takes the full order.
            Steps = (n, nfe) => (nfe is { } e ? orders(e) : Enumerable.Repeat(order, n).ToArray())
                .Select(o => step with { Method = StepMethod.Singlestep, Order = o }).ToArray(),
            SinglestepOrders = orders,
        };
    }

    /// <summary>DPM-Solver-fast's rule for fitting singlestep orders into an NFE (refdata/README.md section 5.2).</summary>
    public static int[] DpmSinglestepOrders(int nfe, int order)
    {
        switch (order)
        {
            case 3:
                {
                    var k = (nfe / 3) + 1;
                    return (nfe % 3) switch
                    {
                        0 => [.. Enumerable.Repeat(3, k - 2), 2, 1],
                        1 => [.. Enumerable.Repeat(3, k - 1), 1],
                        _ => [.. Enumerable.Repeat(3, k - 1), 2],
                    };
                }

            case 2:
                return nfe % 2 == 0 ? [.. Enumerable.Repeat(2, nfe / 2)] : [.. Enumerable.Repeat(2, nfe / 2), 1];
            case 1:
                return [.. Enumerable.Repeat(1, nfe)];
            default:
                throw new ArgumentOutOfRangeException(nameof(order), order, "DPM-Solver singlestep orders are 1..3");
        }
    }

    /// <summary>DPM-Solver multistep: warm-up q = i, then p, lowered to M + 1 - i at the end only when M &lt; 10.</summary>
    private static int DpmLowerOrderFinal(int p, int i, int steps) =>
        i < p ? i : (steps < 10 ? Math.Min(p, steps + 1 - i) : p);

    /// <summary>UniPC: warm-up q = i, then min(p, M + 1 - i) with no "M &lt; 10" condition.</summary>
    private static int UniPcOrder(int p, int i, int steps) => i < p ? i : Math.Min(p, steps + 1 - i);

    /// <summary>Warm-up only (DEIS): q = min(p, i).</summary>
    private static int WarmUpOnly(int p, int i, int steps) => Math.Min(p, i);

    private static StepChoice[] Repeat(StepChoice step, int n) => Enumerable.Repeat(step, n).ToArray();
}
