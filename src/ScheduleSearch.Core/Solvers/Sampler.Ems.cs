using ScheduleSearch.Core.Ems;
using ScheduleSearch.Core.Schedules;

namespace ScheduleSearch.Core.Solvers;

/// <summary>
/// DPM-Solver-v3 (Zheng, Lu, Chen, Zhu, NeurIPS 2023): the multistep predictor and the pseudo-order corrector in the
/// parameterisation fitted by the model's empirical statistics (refdata/dpm_solver_v3/README.md section 4; the
/// authors' multistep_predictor_update / multistep_corrector_update).
/// </summary>
public sealed partial class Sampler
{
    // E_k depend only on the two grid points and the order (the authors cache them the same way).
    private readonly Dictionary<(EmsGridPoint, EmsGridPoint, int, EmsIntegrals), double[]> emsCoefficients = [];
    private EmsStepBuffers? emsBuffers;
    private EmsStatistics? degenerated;

    /// <summary>Predictor: from the newest history point s to t with history points s, s-1, ... (order of them).</summary>
    private void EmsPredict(SamplerSchedule plan, Workspace ws, StepChoice step, int order, double[] x, double t, double[] target)
    {
        var points = new HistoryPoint[order];
        for (var j = 0; j < order; j++)
        {
            points[j] = ws.History[j];
        }

        EmsUpdate(plan, points, x, t, step.Derivative == DerivativeForm.DpmSolverV3Pseudo, target);
    }

    /// <summary>
    /// Corrector: the step just taken from s to t is solved again with the model's value at the predicted state added to
    /// the history (points ordered s, new, s-1, ...) at the step's order plus one for the pseudo corrector; the result
    /// replaces the state, and the new point's stored predictions are shifted so that f there is unchanged.
    /// </summary>
    private void EmsCorrect(SamplerSchedule plan, Workspace ws, StepChoice step, int order, double[] x, double t, HistoryPoint fresh)
    {
        var pseudo = step.Corrector == CorrectorKind.DpmSolverV3Pseudo;
        var c = order + (pseudo ? 1 : 0);
        var points = new HistoryPoint[c];
        points[0] = ws.History[0];
        points[1] = fresh;
        for (var j = 2; j < c; j++)
        {
            points[j] = ws.History[j - 1];
        }

        // x still holds x_s (the predictor wrote ws.Predicted); the corrected state goes into x.
        EmsUpdate(plan, points, x, t, pseudo, x);
        var ems = EmsFor(plan).Integrals;
        var d = denoiser.SampleSize;
        var buffers = EmsBuffers(ems, c);
        var at = ems.Locate(schedule.Lambda(t)) ?? throw OutsideGrid(t);
        ems.ValuesAt(at, buffers.PointL[0], buffers.Scratch[0], buffers.Scratch[1], buffers.Scratch[2], buffers.Scratch[3], buffers.Scratch[4]);
        var l = buffers.PointL[0];
        var alpha = schedule.Alpha(t);
        var sigma = schedule.Sigma(t);
        var predicted = ws.Predicted;
        for (var i = 0; i < x.Length; i++)
        {
            // eps' = (sigma eps - l x_pred + l x_c) / sigma, and x0' consistent with the corrected state.
            var eps = fresh.Eps[i] + (l[i % d] * (x[i] - predicted[i]) / sigma);
            fresh.Eps[i] = eps;
            fresh.X0[i] = (x[i] - (sigma * eps)) / alpha;
        }
    }

    /// <summary>
    /// One DPM-Solver-v3 update from points[0] (time s, state <paramref name="xs"/>) to <paramref name="t"/> using
    /// the n + 1 = points.Length history points, written to <paramref name="target"/> (which may be <paramref name="xs"/>):
    /// x_t = (alpha_t/alpha_s) e^(L_s - L_t) x_s - alpha_t e^(-L_t - S_s) (I_t - I_s) g_0
    ///       - alpha_t e^(-L_t) (C_t - C_s - B_s (I_t - I_s)) - sum_k alpha_t e^(L_s - L_t) E_k g^(k),
    /// with f_j = (sigma_j eps_j - l_j x_j) / alpha_j = (sigma_j/alpha_j) (1 - l_j) eps_j - l_j x0_j and
    /// g_j = e^(S_s - S_j) f_j - e^(S_s) (B_j - B_s). Everything is linear in the history, so the per-element
    /// weights are formed once and applied to every row.
    /// </summary>
    private void EmsUpdate(SamplerSchedule plan, HistoryPoint[] points, double[] xs, double t, bool pseudo, double[] target)
    {
        var ems = EmsFor(plan).Integrals;
        var d = denoiser.SampleSize;
        var count = points.Length;
        var n = count - 1;
        var buffers = EmsBuffers(ems, count);
        var s = points[0];
        var atS = ems.Locate(s.Lambda) ?? throw OutsideGrid(s.T);
        var atT = ems.Locate(schedule.Lambda(t)) ?? throw OutsideGrid(t);

        // Statistics and integrals at s, t and every history point.
        var ls = buffers.Scratch[0];
        var cumLs = buffers.Scratch[1];
        var cumSs = buffers.Scratch[2];
        var cumIs = buffers.Scratch[3];
        var cumBs = buffers.Scratch[4];
        var cumCs = buffers.Scratch[5];
        var lt = buffers.Scratch[6];
        var cumLt = buffers.Scratch[7];
        var cumSt = buffers.Scratch[8];
        var cumIt = buffers.Scratch[9];
        var cumBt = buffers.Scratch[10];
        var cumCt = buffers.Scratch[11];
        ems.ValuesAt(atS, ls, cumLs, cumSs, cumIs, cumBs, cumCs);
        ems.ValuesAt(atT, lt, cumLt, cumSt, cumIt, cumBt, cumCt);
        ls.CopyTo(buffers.PointL[0]);
        cumSs.CopyTo(buffers.PointS[0]);
        cumBs.CopyTo(buffers.PointB[0]);
        for (var j = 1; j < count; j++)
        {
            var at = ems.Locate(points[j].Lambda) ?? throw OutsideGrid(points[j].T);
            ems.ValuesAt(at, buffers.PointL[j], buffers.Scratch[12], buffers.PointS[j], buffers.Scratch[13], buffers.PointB[j], buffers.Scratch[14]);
        }

        // g^(k) = sum_j weights[k, j] g_j, k = 1..n, from the history lambdas recomputed from the times.
        Span<double> weights = stackalloc double[Math.Max(1, n * count)];
        DerivativeWeights(points, pseudo, weights);
        var coefficients = buffers.Coefficients;
        if (n > 0)
        {
            var sumS = buffers.Scratch[12];
            var sumT = buffers.Scratch[13];
            for (var e = 0; e < d; e++)
            {
                sumS[e] = cumLs[e] + cumSs[e];
                sumT[e] = cumLt[e] + cumSt[e];
            }

            var key = (atS, atT, n, ems);
            if (emsCoefficients.TryGetValue(key, out var cached))
            {
                cached.CopyTo(coefficients, 0);
            }
            else
            {
                ems.HighOrderCoefficients(atS, atT, sumS, sumT, n, coefficients.AsSpan(0, n * d));
                if (emsCoefficients.Count >= 1024)
                {
                    emsCoefficients.Clear();
                }

                emsCoefficients[key] = coefficients.AsSpan(0, n * d).ToArray();
            }
        }

        var alphaS = schedule.Alpha(s.T);
        var alphaT = schedule.Alpha(t);
        var ratio = new double[count];
        for (var j = 0; j < count; j++)
        {
            ratio[j] = schedule.Sigma(points[j].T) / schedule.Alpha(points[j].T);
        }

        // Per element: x_t = cx x_s + k0 + sum_j (wEps_j eps_j + wX0_j x0_j).
        var cx = buffers.Cx;
        var k0 = buffers.K0;
        for (var e = 0; e < d; e++)
        {
            var decay = Math.Exp(cumLs[e] - cumLt[e]);
            cx[e] = alphaT / alphaS * decay;
            var dI = cumIt[e] - cumIs[e];
            var constant = alphaT * Math.Exp(-cumLt[e]) * (cumCt[e] - cumCs[e] - (cumBs[e] * dI));
            var expS = Math.Exp(cumSs[e]);
            var sum = -constant;
            for (var j = 0; j < count; j++)
            {
                // G_j: the total weight of g_j in x_t (with its minus sign taken out).
                var gj = j == 0 ? alphaT * Math.Exp(-cumLt[e] - cumSs[e]) * dI : 0.0;
                for (var k = 0; k < n; k++)
                {
                    gj += alphaT * decay * coefficients[(k * d) + e] * weights[(k * count) + j];
                }

                var a = Math.Exp(cumSs[e] - buffers.PointS[j][e]);
                var lj = buffers.PointL[j][e];
                sum += gj * expS * (buffers.PointB[j][e] - cumBs[e]);
                buffers.WeightEps[j][e] = -gj * a * ratio[j] * (1.0 - lj);
                buffers.WeightX0[j][e] = gj * a * lj;
            }

            k0[e] = sum;
        }

        var rows = xs.Length / d;
        for (var r = 0; r < rows; r++)
        {
            var offset = r * d;
            for (var e = 0; e < d; e++)
            {
                var i = offset + e;
                var value = (cx[e] * xs[i]) + k0[e];
                for (var j = 0; j < count; j++)
                {
                    value += (buffers.WeightEps[j][e] * points[j].Eps[i]) + (buffers.WeightX0[j][e] * points[j].X0[i]);
                }

                target[i] = value;
            }
        }
    }

    /// <summary>
    /// Weights of g_0..g_n in the estimates g^(k) = k! c_k, k = 1..n: ordinary (the authors' matrix inverse of
    /// sum_k c_k (mu_j - mu_0)^k = g_j - g_0) or pseudo-order (Newton divided differences).
    /// </summary>
    private static void DerivativeWeights(HistoryPoint[] points, bool pseudo, Span<double> weights)
    {
        var count = points.Length;
        var n = count - 1;
        if (n == 0)
        {
            return;
        }

        weights.Clear();
        if (pseudo)
        {
            // D^i_j as weight vectors over g_0..g_n: D^0_j = e_j, D^i_j = (D^(i-1)_j - D^(i-1)_(j+1)) / (mu_j - mu_(i+j)).
            var table = new double[count, count];
            for (var j = 0; j < count; j++)
            {
                table[j, j] = 1.0;
            }

            var factorial = 1.0;
            for (var i = 1; i <= n; i++)
            {
                factorial *= i;
                var next = new double[count, count];
                for (var j = 0; j + i <= n; j++)
                {
                    var denominator = points[j].Lambda - points[i + j].Lambda;
                    for (var m = 0; m < count; m++)
                    {
                        next[j, m] = (table[j, m] - table[j + 1, m]) / denominator;
                    }
                }

                table = next;
                for (var m = 0; m < count; m++)
                {
                    weights[((i - 1) * count) + m] = factorial * table[0, m];
                }
            }

            return;
        }

        // R[j-1, k-1] = (mu_j - mu_0)^k; column j of R^-1 gives c for g_j - g_0 = e_j.
        Span<double> a = stackalloc double[n * n];
        Span<double> b = stackalloc double[n];
        for (var j = 1; j <= n; j++)
        {
            for (var row = 1; row <= n; row++)
            {
                var dl = points[row].Lambda - points[0].Lambda;
                for (var k = 1; k <= n; k++)
                {
                    a[((row - 1) * n) + (k - 1)] = Math.Pow(dl, k);
                }
            }

            b.Clear();
            b[j - 1] = 1.0;
            SmallLinearSystem.Solve(a, b, n);
            var factorial = 1.0;
            for (var k = 1; k <= n; k++)
            {
                factorial *= k;
                weights[((k - 1) * count) + j] = factorial * b[k - 1];
                weights[(k - 1) * count] -= factorial * b[k - 1];
            }
        }
    }

    /// <summary>
    /// Checks, before anything runs, that the schedule's DPM-Solver-v3 steps have statistics and that every point they
    /// read (their start, end and history points) lies on the statistics grid's lambda range.
    /// </summary>
    private void RequireEms(SamplerSchedule plan)
    {
        var ts = plan.Timesteps;
        for (var i = 0; i < plan.Steps.Length; i++)
        {
            var step = plan.Steps[i];
            if (!step.IsDpmSolverV3)
            {
                continue;
            }

            var integrals = EmsFor(plan).Integrals;
            var order = EvaluationPlan.EffectiveOrder(plan, i);
            var reach = Math.Max(order, order + (step.Corrector == CorrectorKind.DpmSolverV3Pseudo ? 1 : 0) - 1);
            for (var j = Math.Max(0, i + 1 - reach); j <= i + 1; j++)
            {
                if (integrals.Locate(schedule.Lambda(ts[j])) is null)
                {
                    var inv = System.Globalization.CultureInfo.InvariantCulture;
                    throw new ScheduleFormatException($"step {i + 1}: dpm-solver-v3 reads its statistics at timesteps[{j}] = {ts[j].ToString("R", inv)}, outside the statistics grid {EmsForGridMessage()}");
                }
            }
        }
    }

    /// <summary>The statistics a schedule's v3 steps read: the card's, or their degenerated form.</summary>
    private EmsStatistics EmsFor(SamplerSchedule plan)
    {
        if (!plan.Options.EmsDegenerated)
        {
            return ems ?? throw new ScheduleFormatException(
                "dpm-solver-v3 steps need the model's empirical model statistics (card field \"ems\"; estimate them with "
                + "schedule-search model stats CARD --ems), or options.ems_degenerated");
        }

        return degenerated ??= ems?.Degenerate() ?? EmsStatistics.Degenerated(schedule, denoiser.SampleSize, schedule.DefaultTStart, schedule.DefaultTEnd);
    }

    private EmsStepBuffers EmsBuffers(EmsIntegrals integrals, int count)
    {
        var d = integrals.Statistics.SampleSize;
        if (emsBuffers is null || emsBuffers.Size != d || emsBuffers.Points < count)
        {
            emsBuffers = new EmsStepBuffers(d, Math.Max(count, EvaluationPlan.MaxHistory + 1));
        }

        return emsBuffers;
    }

    private ScheduleFormatException OutsideGrid(double t)
    {
        var grid = EmsForGridMessage();
        return new ScheduleFormatException($"dpm-solver-v3 reads its statistics at t = {t.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}, outside the statistics grid {grid}");
    }

    private string EmsForGridMessage()
    {
        var statistics = ems ?? degenerated;
        if (statistics is null)
        {
            return "(none)";
        }

        var lambda = statistics.Lambda;
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        return $"t in [{schedule.InverseLambda(lambda[^1]).ToString("G6", inv)}, {schedule.InverseLambda(lambda[0]).ToString("G6", inv)}]";
    }

    /// <summary>Per-element buffers of one v3 update, reused between steps.</summary>
    private sealed class EmsStepBuffers
    {
        public EmsStepBuffers(int size, int points)
        {
            Size = size;
            Points = points;
            Scratch = Enumerable.Range(0, 15).Select(_ => new double[size]).ToArray();
            PointL = Enumerable.Range(0, points).Select(_ => new double[size]).ToArray();
            PointS = Enumerable.Range(0, points).Select(_ => new double[size]).ToArray();
            PointB = Enumerable.Range(0, points).Select(_ => new double[size]).ToArray();
            WeightEps = Enumerable.Range(0, points).Select(_ => new double[size]).ToArray();
            WeightX0 = Enumerable.Range(0, points).Select(_ => new double[size]).ToArray();
            Coefficients = new double[points * size];
            Cx = new double[size];
            K0 = new double[size];
        }

        public int Size { get; }

        public int Points { get; }

        public double[][] Scratch { get; }

        public double[][] PointL { get; }

        public double[][] PointS { get; }

        public double[][] PointB { get; }

        public double[][] WeightEps { get; }

        public double[][] WeightX0 { get; }

        public double[] Coefficients { get; }

        public double[] Cx { get; }

        public double[] K0 { get; }
    }
}
