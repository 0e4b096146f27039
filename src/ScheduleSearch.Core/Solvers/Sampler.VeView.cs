using ScheduleSearch.Core.Schedules;

namespace ScheduleSearch.Core.Solvers;

/// <summary>
/// Integrators in the VE view d xbar / d sigmabar = eps_hat (xbar = x/alpha, sigmabar = sigma/alpha): EDM's Euler and
/// Heun (Karras et al. 2022, Alg. 1 without churn), iPNDM and PLMS (Liu et al. 2022; Zhang and Chen 2022).
/// </summary>
public sealed partial class Sampler
{
    /// <summary>Adams-Bashforth weights for equal steps, orders 1-4 (PNDM eq. 12; iPNDM).</summary>
    private static readonly double[][] AdamsBashforth =
    [
        [1.0],
        [3.0 / 2.0, -1.0 / 2.0],
        [23.0 / 12.0, -16.0 / 12.0, 5.0 / 12.0],
        [55.0 / 24.0, -59.0 / 24.0, 37.0 / 24.0, -9.0 / 24.0],
    ];

    private void AdamsBashforthStep(Workspace ws, StepChoice step, int q, double[] x, int batch, int index, double t, double[] target)
    {
        var history = ws.History;
        var s = history[0].T;
        var alphaS = schedule.Alpha(s);
        var alphaT = schedule.Alpha(t);
        var delta = schedule.VeSigma(t) - schedule.VeSigma(s);
        if (step.Method == StepMethod.Plms && index == 0)
        {
            // PLMS warm-up (LDM's PLMS sampler): a pseudo improved-Euler step averaging eps at both ends.
            LinearCombination.Apply(ws.Inner1, [alphaT / alphaS, alphaT * delta], [x, history[0].Eps]);
            EvaluateInto(ws.Inner1, batch, t, ws.Scratch1, step.Model);
            LinearCombination.Apply(target, [alphaT / alphaS, 0.5 * alphaT * delta, 0.5 * alphaT * delta], [x, history[0].Eps, ws.Scratch1.Eps]);
            return;
        }

        var order = step.Method == StepMethod.Euler ? 1 : q;
        var coefficients = AdamsBashforth[order - 1];
        Span<double> w = stackalloc double[order + 1];
        var sources = new double[order + 1][];
        w[0] = alphaT / alphaS;
        sources[0] = x;
        for (var j = 0; j < order; j++)
        {
            w[j + 1] = alphaT * delta * coefficients[j];
            sources[j + 1] = history[j].Eps;
        }

        LinearCombination.Apply(target, w, sources);
    }

    private void HeunStep(Workspace ws, StepChoice step, double[] x, int batch, double t, double[] target)
    {
        var anchor = ws.History[0];
        var alphaS = schedule.Alpha(anchor.T);
        var alphaT = schedule.Alpha(t);
        var sigmaBarT = schedule.VeSigma(t);
        var delta = sigmaBarT - schedule.VeSigma(anchor.T);
        if (sigmaBarT == 0.0)
        {
            // EDM's Heun takes an Euler step when it reaches sigma = 0.
            LinearCombination.Apply(target, [alphaT / alphaS, alphaT * delta], [x, anchor.Eps]);
            return;
        }

        LinearCombination.Apply(ws.Inner1, [alphaT / alphaS, alphaT * delta], [x, anchor.Eps]);
        EvaluateInto(ws.Inner1, batch, t, ws.Scratch1, step.Model);
        LinearCombination.Apply(target, [alphaT / alphaS, 0.5 * alphaT * delta, 0.5 * alphaT * delta], [x, anchor.Eps, ws.Scratch1.Eps]);
    }
}
