using ScheduleSearch.Core.Schedules;

namespace ScheduleSearch.Core.Solvers;

/// <summary>Multistep exponential-integrator predictors: taylor, dpm-solver and linear(c) derivative forms.</summary>
public sealed partial class Sampler
{
    private void MultistepPredict(Workspace ws, StepChoice step, int q, double[] x, double t, double[] target)
    {
        var data = step.Prediction == Prediction.Data;
        var history = ws.History;
        var anchor = history[0];
        var g = new StepGeometry(schedule, anchor.T, anchor.Lambda, t, data);
        if (g.EndsAtZero)
        {
            // sigma_t = 0: the step lands on alpha_t * x0_hat (validation allows only order-1 data steps here).
            LinearCombination.Apply(target, [g.AlphaT], [anchor.X0]);
            return;
        }

        Span<double> term = stackalloc double[Math.Max(q, 1)];
        g.TermWeights(term);
        Span<double> w = stackalloc double[q + 1];
        var sources = new double[q + 1][];
        sources[0] = x;
        for (var k = 0; k < q; k++)
        {
            sources[k + 1] = Values(history[k], data);
        }

        w[0] = g.Ratio;
        w[1] = term[0];
        if (q == 2 && step.Derivative == DerivativeForm.DpmSolver)
        {
            // DPM-Solver(++)-2M: x_t = base + 0.5 * term0 * D1, D1 = (m0 - m1) / r0 with r0 = h_prev / h.
            var r0 = (anchor.Lambda - history[1].Lambda) / g.H;
            var k1 = 0.5 * term[0] / r0;
            w[1] += k1;
            w[2] -= k1;
        }
        else if (q == 3 && step.Derivative == DerivativeForm.DpmSolver)
        {
            // DPM-Solver's third-order multistep update, with its D1/D2 estimates (refdata/README.md section 5.1).
            var r0 = (anchor.Lambda - history[1].Lambda) / g.H;
            var r1 = (history[1].Lambda - history[2].Lambda) / g.H;
            var a = term[1];
            var b = term[2];
            var cD10 = (a * (1.0 + (r0 / (r0 + r1)))) + (b / (r0 + r1));
            var cD11 = (-a * r0 / (r0 + r1)) - (b / (r0 + r1));
            w[1] += cD10 / r0;
            w[2] -= cD10 / r0;
            w[2] += cD11 / r1;
            w[3] -= cD11 / r1;
        }
        else if (q >= 2)
        {
            var linear = step.Derivative == DerivativeForm.Linear ? 1.0 + (step.LinearC * g.H) : 1.0;
            AddTaylorTerms(w, term, q, history, g, linear);
        }

        LinearCombination.Apply(target, w, sources);
    }

    /// <summary>
    /// Plain Taylor expansion: scaled derivatives Delta_n (= h^n m^(n) / n!) solve sum_n Delta_n r_k^n = m_k - m_0 over
    /// the history points k = 1..q-1 (r_k = (lambda_k - lambda_s)/h); the n-th term has weight n! * term[n].
    /// The weights on the m_k follow from the transposed Vandermonde system.
    /// </summary>
    private static void AddTaylorTerms(Span<double> w, ReadOnlySpan<double> term, int q, StepHistory history, StepGeometry g, double firstDerivativeFactor)
    {
        var n = q - 1;
        Span<double> a = stackalloc double[n * n];
        Span<double> y = stackalloc double[n];
        var factorial = 1.0;
        for (var p = 1; p <= n; p++)
        {
            factorial *= p;
            y[p - 1] = factorial * term[p] * (p == 1 ? firstDerivativeFactor : 1.0);
            for (var k = 1; k <= n; k++)
            {
                var r = (history[k].Lambda - g.LambdaS) / g.H;
                a[((p - 1) * n) + (k - 1)] = Math.Pow(r, p);
            }
        }

        SmallLinearSystem.Solve(a, y, n);
        for (var k = 1; k <= n; k++)
        {
            w[1 + k] += y[k - 1];
            w[1] -= y[k - 1];
        }
    }
}
