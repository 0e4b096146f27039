using ScheduleSearch.Core.Numerics;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Solvers;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Search.Operators;

namespace ScheduleSearch.Search.Generators;

/// <summary>
/// GITS (Chen et al. 2024, "A geometric perspective on optimal timesteps"): dynamic programming over a fine grid of
/// timesteps (uniform in lambda between the template's ends) picks the N-interval path that minimises the summed
/// local errors of a fixed step rule, each local error measured against the teacher trajectory: the RMS distance
/// between one step from the teacher's state at fine point i and the teacher's state at fine point j. The teacher
/// (DPM-Solver++ 3M on a grid holding every fine point) runs once on a small batch; the denoiser is then called
/// once per fine point, after which every step cost is closed-form, so the whole DP costs
/// <see cref="ModelCalls"/> batched model calls and no real evaluation.
/// </summary>
/// <remarks>
/// Step rules (each step's cost depends only on its two end points): "ddim" (first order, = DPM-Solver(++)-1) and
/// "tangent-2m" (DPM-Solver++(2M) whose history point is the teacher's fine point just before i, i.e. the local
/// slope of the data prediction). Candidates are the best <see cref="Paths"/> paths of each rule applied to the
/// decisions of each of the best <see cref="Templates"/> seeds (the best baselines, brought into the space); decisions
/// are never changed,
/// so each candidate costs its template's NFE. Proposes one batch, then nothing. Without a model in the context
/// (<see cref="GeneratorContext.Model"/>) it proposes nothing.
/// </remarks>
public sealed class DpTimestepsGenerator : ICandidateGenerator
{
    /// <summary>Names of the step rules the DP scores steps with.</summary>
    public static readonly IReadOnlyList<string> Rules = ["ddim", "tangent-2m"];

    private readonly GeneratorContext context;
    private readonly int fineIntervals;
    private readonly int samples;
    private readonly int substeps;
    private readonly Dictionary<string, double> pathCosts = new(StringComparer.Ordinal);
    private bool asked;

    /// <summary>Creates the generator.</summary>
    /// <param name="context">The target NFE, seeds (templates) and model.</param>
    /// <param name="fineIntervals">Intervals of the fine grid (uniform in lambda).</param>
    /// <param name="samples">Teacher trajectories the costs are averaged over.</param>
    /// <param name="substeps">Teacher steps per fine interval.</param>
    /// <param name="paths">Best paths kept per rule and template (k-best DP).</param>
    /// <param name="templates">Best seeds whose decisions the paths are applied to.</param>
    public DpTimestepsGenerator(GeneratorContext context, int fineIntervals = 150, int samples = 64, int substeps = 4, int paths = 3, int templates = 3)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentOutOfRangeException.ThrowIfLessThan(fineIntervals, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(substeps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(paths, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(templates, 1);
        this.context = context;
        this.fineIntervals = fineIntervals;
        this.samples = samples;
        this.substeps = substeps;
        Paths = paths;
        Templates = templates;
    }

    /// <inheritdoc />
    public string Name => "dp-timesteps";

    /// <summary>Best paths kept per rule and template.</summary>
    public int Paths { get; }

    /// <summary>Best seeds used as decision templates.</summary>
    public int Templates { get; }

    /// <summary>Batched model calls the DP made (teacher trajectory plus one per fine point), each on <c>samples</c> states.</summary>
    public long ModelCalls { get; private set; }

    /// <summary>The DP's optimal summed local error per (template name, rule), for reports.</summary>
    public IReadOnlyDictionary<string, double> PathCosts => pathCosts;

    /// <inheritdoc />
    public IReadOnlyList<SamplerSchedule> Ask()
    {
        if (asked || context.Model is null)
        {
            return [];
        }

        asked = true;
        var templateList = new List<SamplerSchedule>();
        var decisionKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var seed in context.Seeds.Where(s => double.IsFinite(s.Score)).OrderBy(s => s.Score))
        {
            // A seed outside the space lends its decisions brought into the space.
            if (ScheduleEditing.IntoSpace(context, seed.Schedule) is not { } s)
            {
                continue;
            }

            // A grid uniform in lambda needs finite ends (a template ending at t = 0 is left out).
            if (s.Nfe != context.Nfe || s.Steps.Any(st => st.Method == StepMethod.Teleport)
                || !double.IsFinite(context.Noise.Lambda(s.Timesteps[0])) || !double.IsFinite(context.Noise.Lambda(s.Timesteps[^1])))
            {
                continue;
            }

            if (decisionKeys.Add(string.Join("|", s.Steps.Select(st => st.ToString())) + s.Options))
            {
                templateList.Add(s);
            }

            if (templateList.Count >= Templates)
            {
                break;
            }
        }

        var tables = new Dictionary<(double, double), CostTables>();
        var batch = new List<SamplerSchedule>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var rank = 0; rank < Paths; rank++)
        {
            foreach (var rule in Rules)
            {
                foreach (var template in templateList)
                {
                    // Presets' ends agree up to rounding: one teacher per end pair at 1e-9 relative.
                    var ends = (Math.Round(Math.Log(template.Timesteps[0]), 9), Math.Round(Math.Log(template.Timesteps[^1]), 9));
                    if (!tables.TryGetValue(ends, out var table))
                    {
                        table = tables[ends] = Costs(template.Timesteps[0], template.Timesteps[^1]);
                    }

                    var best = KBestPaths(table.Cost[rule], template.Steps.Length, Paths);
                    if (rank >= best.Count)
                    {
                        continue;
                    }

                    if (rank == 0)
                    {
                        pathCosts[$"{template.Name}/{rule}"] = best[0].Cost;
                    }

                    // The template's own ends exactly: the evaluator's teacher is chosen by them.
                    var grid = best[rank].Path.Select(k => table.Times[k]).ToArray();
                    grid[0] = template.Timesteps[0];
                    grid[^1] = template.Timesteps[^1];
                    var candidate = template with { Name = $"dp-{rule}-{rank + 1} {template.Name}", Timesteps = [.. grid], ProvenanceJson = null };
                    if (ScheduleValidator.Problems(candidate, context.Noise).Count == 0 && candidate.Nfe == context.Nfe && DpmSolverV3Steps.Runs(context, candidate) && keys.Add(ScheduleKey.Compute(candidate)))
                    {
                        batch.Add(candidate);
                    }
                }
            }
        }

        return batch;
    }

    /// <inheritdoc />
    public void Tell(IReadOnlyList<ScoredSchedule> results)
    {
    }

    /// <summary>
    /// The <paramref name="k"/> cheapest paths of exactly <paramref name="intervals"/> steps from fine point 0 to the
    /// last one (cost[i, j] for i &lt; j), cheapest first, each as its fine-point indices.
    /// </summary>
    internal static List<(double Cost, int[] Path)> KBestPaths(double[,] cost, int intervals, int k)
    {
        var m = cost.GetLength(0) - 1;
        if (intervals < 1 || intervals > m)
        {
            return [];
        }

        // best[n][j]: up to k (cost, previous point, rank there) for paths of n steps from 0 to j.
        var best = new List<(double Cost, int Prev, int PrevRank)>[intervals + 1][];
        for (var n = 0; n <= intervals; n++)
        {
            best[n] = new List<(double, int, int)>[m + 1];
            for (var j = 0; j <= m; j++)
            {
                best[n][j] = [];
            }
        }

        best[0][0].Add((0.0, -1, -1));
        for (var n = 1; n <= intervals; n++)
        {
            // Point j must leave room for the remaining steps and be reachable in n steps.
            var lastJ = n == intervals ? m : m - (intervals - n);
            for (var j = n; j <= lastJ; j++)
            {
                if (n == intervals && j != m)
                {
                    continue;
                }

                var list = new List<(double Cost, int Prev, int PrevRank)>();
                for (var i = n - 1; i < j; i++)
                {
                    var from = best[n - 1][i];
                    for (var r = 0; r < from.Count; r++)
                    {
                        list.Add((from[r].Cost + cost[i, j], i, r));
                    }
                }

                list.Sort((a, b) => a.Cost != b.Cost ? a.Cost.CompareTo(b.Cost) : a.Prev != b.Prev ? a.Prev.CompareTo(b.Prev) : a.PrevRank.CompareTo(b.PrevRank));
                best[n][j] = list.Count > k ? list.GetRange(0, k) : list;
            }
        }

        var result = new List<(double, int[])>();
        for (var r = 0; r < best[intervals][m].Count; r++)
        {
            var path = new int[intervals + 1];
            var (j, rank) = (m, r);
            for (var n = intervals; n >= 0; n--)
            {
                path[n] = j;
                var entry = best[n][j][rank];
                (j, rank) = (entry.Prev, entry.PrevRank);
            }

            result.Add((best[intervals][m][r].Cost, path));
        }

        return result;
    }

    private CostTables Costs(double tStart, double tEnd)
    {
        var noise = context.Noise;
        var model = context.Model!;
        var size = model.SampleSize;
        var m = fineIntervals;
        var lo = noise.Lambda(tStart);
        var hi = noise.Lambda(tEnd);
        var fine = new double[m + 1];
        for (var k = 0; k <= m; k++)
        {
            fine[k] = k == 0 ? tStart : k == m ? tEnd : noise.InverseLambda(lo + ((hi - lo) * k / m));
        }

        // Teacher: DPM-Solver++ 3M over the fine grid split into substeps (uniform in lambda), states kept at fine points.
        var teacherGrid = new List<double> { tStart };
        for (var k = 0; k < m; k++)
        {
            for (var q = 1; q <= substeps; q++)
            {
                teacherGrid.Add(k == m - 1 && q == substeps ? tEnd : q == substeps ? fine[k + 1] : noise.InverseLambda(lo + ((hi - lo) * (k + ((double)q / substeps)) / m)));
            }
        }

        var teacherStep = new StepChoice { Method = StepMethod.Multistep, Order = 3, Prediction = Prediction.Data, Derivative = DerivativeForm.DpmSolver };
        var teacher = new SamplerSchedule("dp-teacher", noise.Kind, teacherGrid, Enumerable.Range(0, teacherGrid.Count - 1).Select(i => teacherStep with { Order = Math.Min(3, i + 1) }));
        var rng = new Random(context.Seed);
        var eps0 = new double[samples * size];
        for (var i = 0; i < eps0.Length; i++)
        {
            eps0[i] = rng.Gaussian();
        }

        var states = new double[m + 1][];
        var x = new double[samples * size];
        Sampler.InitialState(noise, tStart, eps0, x);
        states[0] = (double[])x.Clone();
        var before = model.Calls;
        new Sampler(model).Run(teacher, x, samples, (step, state) =>
        {
            if ((step + 1) % substeps == 0)
            {
                states[(step + 1) / substeps] = state.ToArray();
            }
        });

        // One model call per fine point (but the last) on the teacher's state: its data prediction.
        var x0 = new double[m][];
        var epsOut = new double[samples * size];
        for (var k = 0; k < m; k++)
        {
            x0[k] = new double[samples * size];
            model.Predict(states[k], samples, fine[k], x0[k], epsOut);
        }

        ModelCalls += model.Calls - before;
        var lambdas = fine.Select(noise.Lambda).ToArray();
        var cost = new Dictionary<string, double[,]>(StringComparer.Ordinal);
        foreach (var rule in Rules)
        {
            var c = new double[m + 1, m + 1];
            for (var i = 0; i < m; i++)
            {
                var s = fine[i];
                var (alphaS, sigmaS) = (noise.Alpha(s), noise.Sigma(s));
                for (var j = i + 1; j <= m; j++)
                {
                    var t = fine[j];
                    var (alphaT, sigmaT) = (noise.Alpha(t), noise.Sigma(t));
                    var h = lambdas[j] - lambdas[i];
                    var a = sigmaT / sigmaS;
                    var b = -alphaT * Special.Expm1(-h);
                    var useSlope = rule == "tangent-2m" && i > 0;
                    var r = useSlope ? (lambdas[i] - lambdas[i - 1]) / h : 1.0;
                    var xs = states[i];
                    var target = states[j];
                    var d0 = x0[i];
                    var dPrev = useSlope ? x0[i - 1] : d0;
                    var sum = 0.0;
                    for (var v = 0; v < xs.Length; v++)
                    {
                        var d = useSlope ? d0[v] + (0.5 / r * (d0[v] - dPrev[v])) : d0[v];
                        var diff = (a * xs[v]) + (b * d) - target[v];
                        sum += diff * diff;
                    }

                    c[i, j] = Math.Sqrt(sum / xs.Length);
                }
            }

            cost[rule] = c;
        }

        return new CostTables(fine, cost);
    }

    private sealed record CostTables(double[] Times, Dictionary<string, double[,]> Cost);
}
