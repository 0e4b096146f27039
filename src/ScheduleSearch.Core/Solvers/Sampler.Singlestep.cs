using ScheduleSearch.Core.Schedules;

namespace ScheduleSearch.Core.Solvers;

/// <summary>DPM-Solver's singlestep updates of orders 2 and 3 (DPM-Solver Alg. 1-2, DPM-Solver++ Alg. 1).</summary>
public sealed partial class Sampler
{
    private void SinglestepPredict(Workspace ws, StepChoice step, int q, double[] x, int batch, double t, double[] target)
    {
        if (q == 1)
        {
            MultistepPredict(ws, step, 1, x, t, target);
            return;
        }

        var data = step.Prediction == Prediction.Data;
        var anchor = ws.History[0];
        var ms = Values(anchor, data);
        var g = new StepGeometry(schedule, anchor.T, anchor.Lambda, t, data);
        Span<double> term = stackalloc double[3];
        g.TermWeights(term);
        var linear = step.Derivative == DerivativeForm.Linear ? 1.0 + (step.LinearC * g.H) : 1.0;
        var r1 = q == 2 ? 0.5 : 1.0 / 3.0;
        const double r2 = 2.0 / 3.0;

        // First intermediate point: a DDIM step to lambda_s + r1 h.
        var s1 = schedule.InverseLambda(g.LambdaS + (r1 * g.H));
        var g1 = new StepGeometry(schedule, anchor.T, anchor.Lambda, s1, data);
        Span<double> term1 = stackalloc double[1];
        g1.TermWeights(term1);
        LinearCombination.Apply(ws.Inner1, [g1.Ratio, term1[0]], [x, ms]);
        EvaluateInto(ws.Inner1, batch, s1, ws.Scratch1, step.Model);
        var m1 = Values(ws.Scratch1, data);

        if (q == 2)
        {
            var c = step.Derivative == DerivativeForm.DpmSolver ? 0.5 * term[0] / r1 : linear * term[1] / r1;
            LinearCombination.Apply(target, [g.Ratio, term[0] - c, c], [x, ms, m1]);
            return;
        }

        // Second intermediate point at lambda_s + r2 h, using the first point's derivative estimate.
        var s2 = schedule.InverseLambda(g.LambdaS + (r2 * g.H));
        var g2 = new StepGeometry(schedule, anchor.T, anchor.Lambda, s2, data);
        Span<double> term2 = stackalloc double[2];
        g2.TermWeights(term2);
        var k2 = term2[1] * r2 / r1;
        LinearCombination.Apply(ws.Inner2, [g2.Ratio, term2[0] - k2, k2], [x, ms, m1]);
        EvaluateInto(ws.Inner2, batch, s2, ws.Scratch2, step.Model);
        var m2 = Values(ws.Scratch2, data);

        if (step.Derivative == DerivativeForm.DpmSolver)
        {
            var c = term[1] / r2;
            LinearCombination.Apply(target, [g.Ratio, term[0] - c, c], [x, ms, m2]);
            return;
        }

        // Taylor form: D1 = (r2 D1_0 - r1 D1_1)/(r2 - r1), D2 = 2 (D1_1 - D1_0)/(r2 - r1), D1_k = (m_k - m_s)/r_k.
        var a = linear * term[1];
        var b = term[2];
        var cD10 = (a * r2 / (r2 - r1)) - (2.0 * b / (r2 - r1));
        var cD11 = (-a * r1 / (r2 - r1)) + (2.0 * b / (r2 - r1));
        var c1 = cD10 / r1;
        var c2 = cD11 / r2;
        LinearCombination.Apply(target, [g.Ratio, term[0] - c1 - c2, c1, c2], [x, ms, m1, m2]);
    }
}
