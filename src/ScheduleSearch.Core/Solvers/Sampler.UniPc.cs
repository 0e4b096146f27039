using ScheduleSearch.Core.Numerics;
using ScheduleSearch.Core.Schedules;

namespace ScheduleSearch.Core.Solvers;

/// <summary>UniPC's predictor UniP and corrector UniC (Zhao et al. 2023, Alg. 1-2; refdata/README.md section 6).</summary>
public sealed partial class Sampler
{
    private void UniPcPredict(Workspace ws, StepChoice step, int q, double[] x, double t, double[] target)
    {
        var data = step.Prediction == Prediction.Data;
        var history = ws.History;
        var g = new StepGeometry(schedule, history[0].T, history[0].Lambda, t, data);
        Span<double> b = stackalloc double[q];
        var bh = UniPcB(step, g);
        UniPcRhs(g, bh, b);

        Span<double> w = stackalloc double[q + 1];
        var sources = new double[q + 1][];
        sources[0] = x;
        for (var k = 0; k < q; k++)
        {
            sources[k + 1] = Values(history[k], data);
        }

        w[0] = g.Ratio;
        w[1] = -g.Scale * Special.Expm1(g.Z);
        if (q >= 2)
        {
            Span<double> rho = stackalloc double[q - 1];
            if (q == 2)
            {
                rho[0] = 0.5; // UniPC hard-codes the order-2 predictor instead of solving its 1 x 1 system.
            }
            else
            {
                SolveUniPc(history, g, q - 1, b, rho, includeOne: false);
            }

            for (var k = 1; k < q; k++)
            {
                var r = (history[k].Lambda - g.LambdaS) / g.H;
                var coefficient = -g.Scale * bh * rho[k - 1] / r;
                w[1 + k] += coefficient;
                w[1] -= coefficient;
            }
        }

        LinearCombination.Apply(target, w, sources);
    }

    /// <summary>
    /// UniC: corrects the state in <paramref name="x"/> (still the state at s) from the anchor, the history and the
    /// new evaluation <paramref name="mt"/> at the predicted state; order one higher than the predictor.
    /// </summary>
    private void Correct(Workspace ws, StepChoice step, int order, double[] x, double t, HistoryPoint mt)
    {
        var data = step.Prediction == Prediction.Data;
        var history = ws.History;
        var q = Math.Min(order, history.Count);
        var g = new StepGeometry(schedule, history[0].T, history[0].Lambda, t, data);
        var bh = UniPcB(step, g);
        Span<double> b = stackalloc double[q];
        UniPcRhs(g, bh, b);
        Span<double> rho = stackalloc double[q];
        if (q == 1)
        {
            rho[0] = 0.5; // UniPC hard-codes the order-1 corrector.
        }
        else
        {
            SolveUniPc(history, g, q, b, rho, includeOne: true);
        }

        Span<double> w = stackalloc double[q + 2];
        var sources = new double[q + 2][];
        sources[0] = x;
        for (var k = 0; k < q; k++)
        {
            sources[k + 1] = Values(history[k], data);
        }

        sources[q + 1] = Values(mt, data);
        w[0] = g.Ratio;
        w[1] = -g.Scale * Special.Expm1(g.Z);
        for (var k = 1; k < q; k++)
        {
            var r = (history[k].Lambda - g.LambdaS) / g.H;
            var coefficient = -g.Scale * bh * rho[k - 1] / r;
            w[1 + k] += coefficient;
            w[1] -= coefficient;
        }

        // DC-Solver's compensation ratio scales the new point's weight (1 = plain UniC).
        var last = -g.Scale * bh * rho[q - 1] * step.Compensation;
        w[q + 1] += last;
        w[1] -= last;
        LinearCombination.Apply(x, w, sources);
    }

    /// <summary>B(h) = hh for bh1 and e^hh - 1 for bh2 (also the corrector's choice after non-UniPC predictors).</summary>
    private static double UniPcB(StepChoice step, StepGeometry g) =>
        step.Derivative == DerivativeForm.UniPcBh1 ? g.Z : Special.Expm1(g.Z);

    /// <summary>b_j = j! * hh * phi_{j+1}(hh) / B(h), j = 1..q (the authors' recurrence, computed without cancellation).</summary>
    private static void UniPcRhs(StepGeometry g, double bh, Span<double> b)
    {
        Span<double> phi = stackalloc double[b.Length + 1];
        Special.Phi(g.Z, phi);
        var factorial = 1.0;
        for (var j = 1; j <= b.Length; j++)
        {
            factorial *= j;
            b[j - 1] = factorial * g.Z * phi[j] / bh;
        }
    }

    /// <summary>Solves R rho = b with R[j][k] = rks[k]^j, rks = (r_1..r_{m-1}, 1) when includeOne, else (r_1..r_m).</summary>
    private static void SolveUniPc(StepHistory history, StepGeometry g, int m, ReadOnlySpan<double> b, Span<double> rho, bool includeOne)
    {
        Span<double> rks = stackalloc double[m];
        for (var k = 0; k < m; k++)
        {
            rks[k] = includeOne && k == m - 1 ? 1.0 : (history[k + 1].Lambda - g.LambdaS) / g.H;
        }

        Span<double> a = stackalloc double[m * m];
        for (var j = 0; j < m; j++)
        {
            for (var k = 0; k < m; k++)
            {
                a[(j * m) + k] = Math.Pow(rks[k], j);
            }

            rho[j] = b[j];
        }

        SmallLinearSystem.Solve(a, rho, m);
    }
}
