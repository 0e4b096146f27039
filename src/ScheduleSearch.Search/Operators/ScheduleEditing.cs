using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Solvers;
using ScheduleSearch.Search.Specs;
using ScheduleSearch.Search.Generators;

namespace ScheduleSearch.Search.Operators;

/// <summary>
/// Turns an edited grid and step list into a schedule that validates at the target NFE: step choices are
/// brought inside the rules (multistep order within the history, no UniC on the last step, singlestep
/// derivatives, DPM-Solver-v3's rules through <see cref="DpmSolverV3Steps"/>), timesteps are sorted and kept apart, and the cost is brought to the target by lowering or
/// raising singlestep orders, merging or splitting intervals. Returns null when no repair is found.
/// </summary>
internal static class ScheduleEditing
{
    /// <summary>Smallest gap between neighbouring points, as a fraction of the whole lambda range.</summary>
    public const double MinLambdaGapFraction = 2e-3;

    /// <summary>lambda of each point (ascending, since t descends).</summary>
    public static double[] Lambdas(GeneratorContext ctx, IReadOnlyList<double> timesteps) =>
        timesteps.Select(ctx.Noise.Lambda).ToArray();

    /// <summary>Times of lambdas, with the first and last points pinned to the exact values given.</summary>
    public static double[] Times(GeneratorContext ctx, IReadOnlyList<double> lambdas, double tStart, double tEnd)
    {
        var ts = new double[lambdas.Count];
        ts[0] = tStart;
        ts[^1] = tEnd;
        for (var i = 1; i < ts.Length - 1; i++)
        {
            ts[i] = ctx.Noise.InverseLambda(lambdas[i]);
        }

        return ts;
    }

    /// <summary>A random step choice from the space for step <paramref name="index"/>.</summary>
    public static StepChoice RandomChoice(GeneratorContext ctx, Random rng)
    {
        var space = ctx.Space;
        var method = space.Methods.Length > 1 && rng.Chance(0.2) ? StepMethod.Singlestep : space.Methods[0];
        return new StepChoice
        {
            Method = method,
            Order = rng.Pick(space.Orders),
            Prediction = rng.Pick(space.Predictions),
            Derivative = rng.Pick(space.Derivatives),
            Corrector = rng.Pick(space.Correctors),
        };
    }

    /// <summary>Brings one step inside the rules for its position.</summary>
    /// <param name="ctx">The generator's context.</param>
    /// <param name="step">The choice to fix.</param>
    /// <param name="index">Its position.</param>
    /// <param name="count">Number of steps.</param>
    /// <param name="endsAtZero">Whether the step ends at t = 0.</param>
    /// <param name="available">History points at this step (<see cref="EvaluationPlan.AvailableHistory"/>).</param>
    public static StepChoice Fix(GeneratorContext ctx, StepChoice step, int index, int count, bool endsAtZero, int available)
    {
        var last = index == count - 1;
        if (step.Method == StepMethod.Teleport)
        {
            // Teleport is a first step only, with every other field at its default; elsewhere it becomes DDIM.
            return index == 0 && ctx.Space.Teleport && !last ? StepChoice.Ddim with { Method = StepMethod.Teleport } : StepChoice.Ddim;
        }

        var exact = !ctx.Space.KeepsBaselineDecisions;
        if (exact)
        {
            step = IntoLists(ctx.Space, step);
        }

        step = DpmSolverV3Steps.FixPredictor(ctx, step, endsAtZero, exact);
        if (step.IsExponentialIntegrator)
        {
            var maxOrder = step.Method == StepMethod.Multistep ? Math.Max(1, available) : 3;
            step = step with { Order = Math.Clamp(step.Order, 1, maxOrder) };
            if (step.Method == StepMethod.Singlestep && step.Order > 1 && step.Derivative is DerivativeForm.UniPcBh1 or DerivativeForm.UniPcBh2 or DerivativeForm.Deis)
            {
                step = exact ? SinglestepInLists(ctx.Space, step, available) : step with { Derivative = ctx.Space.Derivatives.Contains(DerivativeForm.DpmSolver) || !ctx.Space.Derivatives.Contains(DerivativeForm.Taylor) ? DerivativeForm.DpmSolver : DerivativeForm.Taylor };
            }

            if (step.Derivative == DerivativeForm.Deis && step.Prediction != Prediction.Noise)
            {
                step = !exact ? step with { Derivative = DerivativeForm.DpmSolver }
                    : ctx.Space.Predictions.Contains(Prediction.Noise) ? step with { Prediction = Prediction.Noise }
                    : step with { Derivative = ctx.Space.Derivatives.FirstOrDefault(d => d != DerivativeForm.Deis, DerivativeForm.DpmSolver) };
            }

            if (endsAtZero)
            {
                step = step with { Order = 1, Prediction = Prediction.Data, Corrector = CorrectorKind.None };
            }
        }

        if (last && step.Corrector == CorrectorKind.UniC)
        {
            step = step with { Corrector = CorrectorKind.None };
        }

        return DpmSolverV3Steps.FixCorrector(ctx, step, last, exact);
    }

    /// <summary>
    /// <paramref name="schedule"/> itself when it lies in the space (and its DPM-Solver-v3 steps can read the context's
    /// statistics), else its decisions brought into the space on its own
    /// grid (<see cref="Repair"/>, named "... (projected)"), or null when no such schedule costs the target NFE. The
    /// generators that keep a template's decisions start from this, so a baseline outside the space is a starting point
    /// only.
    /// </summary>
    public static SamplerSchedule? IntoSpace(GeneratorContext ctx, SamplerSchedule schedule)
    {
        if (SpaceMembership.Contains(ctx.Space, schedule) && DpmSolverV3Steps.Runs(ctx, schedule))
        {
            return schedule;
        }

        var projected = Repair(ctx, schedule.Timesteps, schedule.Steps, new Random(ctx.Seed), $"{schedule.Name} (projected)", schedule.Options);
        return projected is not null && SpaceMembership.Contains(ctx.Space, projected) ? projected : null;
    }

    /// <summary>The best finite seed brought into the space (<see cref="IntoSpace"/>), with its score when it needed no change.</summary>
    public static (SamplerSchedule Schedule, double Score)? BestTemplate(GeneratorContext ctx)
    {
        foreach (var seed in ctx.Seeds.Where(s => double.IsFinite(s.Score)).OrderBy(s => s.Score))
        {
            if (IntoSpace(ctx, seed.Schedule) is { } template)
            {
                return (template, ReferenceEquals(template, seed.Schedule) ? seed.Score : double.PositiveInfinity);
            }
        }

        return null;
    }

    /// <summary>
    /// <paramref name="step"/> with every decision the space lists brought into its list (an exact space, <see
    /// cref="SearchSpace.KeepsBaselineDecisions"/> false): a method, prediction, derivative or corrector outside it
    /// becomes the list's first (no corrector when allowed), an order the largest allowed at or below it. Teleport
    /// steps are left to <see cref="Fix"/>. Draws nothing from the random stream.
    /// </summary>
    public static StepChoice IntoLists(SearchSpace space, StepChoice step)
    {
        if (step.Method == StepMethod.Teleport)
        {
            return step;
        }

        var method = space.Methods.Contains(step.Method) ? step.Method : space.Methods[0];
        var order = space.Orders.Contains(step.Order) ? step.Order : space.Orders.Where(o => o <= step.Order).DefaultIfEmpty(space.Orders.Min()).Max();
        var projected = step with
        {
            Method = method,
            Order = order,
            Prediction = space.Predictions.Contains(step.Prediction) ? step.Prediction : space.Predictions[0],
            Derivative = space.Derivatives.Contains(step.Derivative) ? step.Derivative : space.Derivatives[0],
            LinearC = 0.0,
            Corrector = space.Correctors.Contains(step.Corrector) ? step.Corrector
                : space.Correctors.Contains(CorrectorKind.None) ? CorrectorKind.None : space.Correctors[0],
        };
        return projected == step ? step : projected;
    }

    /// <summary>
    /// A singlestep step of order 2 or 3 whose derivative is UniPC's or DEIS's (which singlestep steps cannot use) in an
    /// exact space: DPM-Solver's or Taylor's derivative when listed, else a multistep step when listed, else order 1.
    /// </summary>
    private static StepChoice SinglestepInLists(SearchSpace space, StepChoice step, int available)
    {
        if (space.Derivatives.Contains(DerivativeForm.DpmSolver) || space.Derivatives.Contains(DerivativeForm.Taylor))
        {
            return step with { Derivative = space.Derivatives.Contains(DerivativeForm.DpmSolver) ? DerivativeForm.DpmSolver : DerivativeForm.Taylor };
        }

        return space.Methods.Contains(StepMethod.Multistep)
            ? step with { Method = StepMethod.Multistep, Order = Math.Clamp(step.Order, 1, Math.Max(1, available)) }
            : step with { Order = 1 };
    }

    /// <summary>
    /// Repairs a grid (N + 1 points, any order) and N step choices into a valid schedule of exactly
    /// <see cref="GeneratorContext.Nfe"/> evaluations, or null.
    /// </summary>
    public static SamplerSchedule? Repair(GeneratorContext ctx, IReadOnlyList<double> timesteps, IReadOnlyList<StepChoice> steps, Random rng, string name, ScheduleOptions? options = null)
    {
        if (timesteps.Count != steps.Count + 1 || steps.Count == 0)
        {
            return null;
        }

        var tStart = timesteps[0];
        var tEnd = ctx.SnapEnd(Math.Clamp(timesteps[^1], ctx.TEndLow, ctx.TEndHigh));
        var lambdas = OrderLambdas(ctx, timesteps.Select((t, i) => i == 0 ? ctx.Noise.Lambda(tStart) : i == timesteps.Count - 1 ? ctx.Noise.Lambda(tEnd) : ctx.Noise.Lambda(Math.Clamp(t, tEnd, tStart))).ToList());
        var choices = steps.ToList();
        options ??= ScheduleOptions.Default;
        for (var attempt = 0; attempt < 64; attempt++)
        {
            FixAll(ctx, choices, tEnd == 0.0);
            WideDecisions.ClampTeleport(ctx, lambdas, choices, tStart);
            var grid = Times(ctx, lambdas, tStart, tEnd);
            if (DpmSolverV3Steps.FitGrid(ctx, grid, choices))
            {
                // A v3 step off the statistics grid became another derivative: its corrector and order rules again.
                FixAll(ctx, choices, tEnd == 0.0);
            }

            var fixedOptions = WideDecisions.Normalize(ctx, grid, choices, options);
            var schedule = new SamplerSchedule(name, ctx.Noise.Kind, grid, choices, fixedOptions);
            var cost = EvaluationPlan.Count(schedule);
            if (cost == ctx.Nfe)
            {
                return ScheduleValidator.Problems(schedule, ctx.Noise).Count == 0 ? schedule : null;
            }

            if (cost > ctx.Nfe)
            {
                var singles = Indices(choices, s => s.Method == StepMethod.Singlestep && s.Order > 1);
                var implicits = Indices(choices, s => s.Corrector == CorrectorKind.Implicit);
                if (implicits.Count > 0)
                {
                    var i = rng.Pick(implicits);
                    choices[i] = choices[i] with { Corrector = CorrectorKind.None };
                }
                else if (singles.Count > 0 && (choices.Count == 1 || rng.Chance(0.5)))
                {
                    var i = rng.Pick(singles);
                    choices[i] = choices[i] with { Order = choices[i].Order - 1 };
                }
                else if (choices.Count > 1)
                {
                    // Merge: drop an interior point; the step before it now spans both intervals.
                    var p = 1 + rng.Next(lambdas.Count - 2);
                    lambdas.RemoveAt(p);
                    choices.RemoveAt(p);
                }
                else
                {
                    return null;
                }
            }
            else
            {
                var raisable = Indices(choices, s => s.Method == StepMethod.Singlestep && s.Order < Math.Min(3, ctx.Space.MaxOrder));
                if (raisable.Count > 0 && rng.Chance(0.3))
                {
                    var i = rng.Pick(raisable);
                    choices[i] = choices[i] with { Order = choices[i].Order + 1 };
                }
                else
                {
                    // Split the widest interval near its middle in lambda; both halves keep its choice.
                    var widest = 0;
                    for (var i = 1; i < choices.Count; i++)
                    {
                        if (lambdas[i + 1] - lambdas[i] > lambdas[widest + 1] - lambdas[widest])
                        {
                            widest = i;
                        }
                    }

                    var at = rng.Chance(0.5) ? widest : rng.Next(choices.Count);
                    var mid = lambdas[at] + ((0.35 + (0.3 * rng.NextDouble())) * (lambdas[at + 1] - lambdas[at]));
                    lambdas.Insert(at + 1, mid);
                    // A singlestep step's second half runs multistep (one evaluation), or order-1 singlestep where the space has no multistep.
                    choices.Insert(at + 1, choices[at].Method != StepMethod.Singlestep ? choices[at]
                        : ctx.Space.Methods.Contains(StepMethod.Multistep) || ctx.Space.KeepsBaselineDecisions ? choices[at] with { Method = StepMethod.Multistep }
                        : choices[at] with { Order = 1 });
                }
            }
        }

        return null;
    }

    /// <summary>Sorts lambdas ascending with the ends fixed and keeps neighbours at least the minimum gap apart.</summary>
    public static List<double> OrderLambdas(GeneratorContext ctx, List<double> lambdas)
    {
        var lo = lambdas[0];
        var hi = lambdas[^1];
        var gap = (hi - lo) * MinLambdaGapFraction;
        var interior = lambdas.Skip(1).Take(lambdas.Count - 2).Select(l => Math.Clamp(l, lo + gap, hi - gap)).Order().ToList();
        // Push apart forward, then backward, so every gap is at least `gap` when the range allows it.
        var result = new List<double> { lo };
        result.AddRange(interior);
        result.Add(hi);
        for (var i = 1; i < result.Count - 1; i++)
        {
            result[i] = Math.Max(result[i], result[i - 1] + gap);
        }

        for (var i = result.Count - 2; i >= 1; i--)
        {
            result[i] = Math.Min(result[i], result[i + 1] - gap);
        }

        return result;
    }

    private static void FixAll(GeneratorContext ctx, List<StepChoice> choices, bool endsAtZero)
    {
        // Step 1 decides whether there is a teleport, which the history of every later step depends on.
        choices[0] = Fix(ctx, choices[0], 0, choices.Count, endsAtZero && choices.Count == 1, 1);
        var probe = new SamplerSchedule(string.Empty, ctx.Noise.Kind, [], choices);
        for (var i = 1; i < choices.Count; i++)
        {
            choices[i] = Fix(ctx, choices[i], i, choices.Count, endsAtZero && i == choices.Count - 1, EvaluationPlan.AvailableHistory(probe, i));
        }
    }

    private static List<int> Indices(List<StepChoice> choices, Func<StepChoice, bool> predicate)
    {
        var result = new List<int>();
        for (var i = 0; i < choices.Count; i++)
        {
            if (predicate(choices[i]))
            {
                result.Add(i);
            }
        }

        return result;
    }
}
