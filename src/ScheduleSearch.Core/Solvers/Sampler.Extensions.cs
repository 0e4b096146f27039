using MathNet.Numerics.LinearAlgebra;
using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Schedules;

namespace ScheduleSearch.Core.Solvers;

/// <summary>
/// The decisions of the wider search space (SOLVERS.md section 3): TS-DPM's time shift, USF's analytical first step,
/// GHVB's heavy-ball momentum and the Gaussian teleport. Each is off by default and then costs nothing.
/// </summary>
public sealed partial class Sampler
{
    private Matrix<double>? teleportBasis;
    private double[]? teleportEigenvalues;

    private void RequireStatistics(SamplerSchedule plan)
    {
        if (statistics is not null)
        {
            return;
        }

        if (plan.Steps[0].Method == StepMethod.Teleport)
        {
            throw new ScheduleFormatException("step 1: teleport needs the data's mean and covariance (the model card's statistics), and this model has none");
        }

        if (plan.Options.Afs == AnalyticFirstStep.MeanX0)
        {
            throw new ScheduleFormatException("options.afs: mean-x0 needs the data mean (the model card's statistics), and this model has none");
        }

        if (plan.Options.TimeShiftWindow > 0.0)
        {
            throw new ScheduleFormatException("options.time_shift_window: variance matching needs the data variance (the model card's statistics), and this model has none");
        }
    }

    /// <summary>
    /// The time at which the model is evaluated for the anchor of step <paramref name="index"/>: its grid point plus its
    /// time_shift (TS-DPM), or with a window, the time whose marginal variance best matches the state's (TS-DPM Alg. 1).
    /// </summary>
    private double EvaluationTime(SamplerSchedule plan, int index, double[] state, int batch)
    {
        var t = plan.Timesteps[index];
        var window = plan.Options.TimeShiftWindow;
        if (window <= 0.0)
        {
            return index < plan.Steps.Length ? t + plan.Steps[index].TimeShift : t;
        }

        var observed = BatchVariance(state, batch);
        var dataVariance = statistics!.AverageVariance;
        var best = t;
        var bestGap = double.PositiveInfinity;
        const int candidates = 41;
        for (var k = 0; k < candidates; k++)
        {
            var candidate = t - window + (2.0 * window * k / (candidates - 1));
            if (candidate < schedule.TMin || candidate > schedule.TMax)
            {
                continue;
            }

            var alpha = schedule.Alpha(candidate);
            var sigma = schedule.Sigma(candidate);
            var gap = Math.Abs(observed - ((alpha * alpha * dataVariance) + (sigma * sigma)));
            if (gap < bestGap - 1e-15 || (Math.Abs(gap - bestGap) <= 1e-15 && Math.Abs(candidate - t) < Math.Abs(best - t)))
            {
                best = candidate;
                bestGap = gap;
            }
        }

        return best;
    }

    /// <summary>Per-coordinate variance across the batch, averaged over coordinates.</summary>
    private double BatchVariance(double[] state, int batch)
    {
        var d = denoiser.SampleSize;
        if (batch < 2)
        {
            var mean = state.Average();
            return state.Sum(v => (v - mean) * (v - mean)) / state.Length;
        }

        var total = 0.0;
        for (var c = 0; c < d; c++)
        {
            double sum = 0.0, sumSquares = 0.0;
            for (var b = 0; b < batch; b++)
            {
                var v = state[(b * d) + c];
                sum += v;
                sumSquares += v * v;
            }

            var m = sum / batch;
            total += (sumSquares / batch) - (m * m);
        }

        return total / d;
    }

    /// <summary>USF's analytical first step: x0_hat = 0 or the data mean at t_T, eps_hat from it; no model call.</summary>
    private void AnalyticAnchor(AnalyticFirstStep afs, double[] state, int batch, double t, HistoryPoint into)
    {
        var d = denoiser.SampleSize;
        var alpha = schedule.Alpha(t);
        var sigma = schedule.Sigma(t);
        for (var b = 0; b < batch; b++)
        {
            for (var c = 0; c < d; c++)
            {
                var i = (b * d) + c;
                var x0 = afs == AnalyticFirstStep.MeanX0 ? statistics!.Mean[c] : 0.0;
                into.X0[i] = x0;
                into.Eps[i] = (state[i] - (alpha * x0)) / sigma;
            }
        }
    }

    /// <summary>
    /// GHVB heavy ball (Wizadwongsa and Suwajanakorn 2023) on a multistep update: the step's effective prediction
    /// m = (x_t - ratio x_s) / (Sign Scale h phi_1) is averaged with the previous one, (1 - beta) m + beta m_prev, and the
    /// step redone with it. beta = 0 is the plain update.
    /// </summary>
    private void ApplyMomentum(Workspace ws, StepChoice step, double[] x, double t, double[] target, double beta)
    {
        if (step.Method != StepMethod.Multistep)
        {
            ws.HasMomentum = false;
            return;
        }

        var data = step.Prediction == Prediction.Data;
        var anchor = ws.History[0];
        var g = new StepGeometry(schedule, anchor.T, anchor.Lambda, t, data);
        if (g.EndsAtZero)
        {
            ws.HasMomentum = false;
            return;
        }

        Span<double> term = stackalloc double[1];
        g.TermWeights(term);
        var k = term[0];
        var ratio = g.Ratio;
        var previous = ws.Momentum;
        var usePrevious = ws.HasMomentum && ws.MomentumPrediction == step.Prediction;
        for (var i = 0; i < target.Length; i++)
        {
            var effective = (target[i] - (ratio * x[i])) / k;
            if (usePrevious)
            {
                effective = ((1.0 - beta) * effective) + (beta * previous[i]);
            }

            previous[i] = effective;
            target[i] = (ratio * x[i]) + (k * effective);
        }

        ws.HasMomentum = true;
        ws.MomentumPrediction = step.Prediction;
    }

    /// <summary>
    /// Gaussian teleport: under x0 ~ N(mu, Sigma) the probability-flow ODE is linear, and in the VE view
    /// xbar(sb) = mu + U diag(sqrt((l + sb^2)/(l + sb_s^2))) U^T (xbar(sb_s) - mu) with Sigma = U diag(l) U^T.
    /// </summary>
    private void Teleport(double[] x, int batch, double s, double t)
    {
        var stats = statistics!;
        var d = denoiser.SampleSize;
        var alphaS = schedule.Alpha(s);
        var alphaT = schedule.Alpha(t);
        var sbS = schedule.VeSigma(s);
        var sbT = schedule.VeSigma(t);
        if (stats.Covariance is null)
        {
            for (var b = 0; b < batch; b++)
            {
                for (var c = 0; c < d; c++)
                {
                    var i = (b * d) + c;
                    var v = stats.Variance[c];
                    var factor = Math.Sqrt((v + (sbT * sbT)) / (v + (sbS * sbS)));
                    x[i] = alphaT * (stats.Mean[c] + (factor * ((x[i] / alphaS) - stats.Mean[c])));
                }
            }

            return;
        }

        if (teleportBasis is null || teleportEigenvalues is null)
        {
            var covariance = Matrix<double>.Build.Dense(d, d, (r, c) => stats.Covariance[(r * d) + c]);
            var evd = covariance.Evd(Symmetricity.Symmetric);
            teleportBasis = evd.EigenVectors;
            teleportEigenvalues = evd.EigenValues.Select(e => Math.Max(e.Real, 0.0)).ToArray();
        }

        var scale = Vector<double>.Build.Dense(d, k => Math.Sqrt((teleportEigenvalues[k] + (sbT * sbT)) / (teleportEigenvalues[k] + (sbS * sbS))));
        var transform = teleportBasis * Matrix<double>.Build.DenseOfDiagonalVector(scale) * teleportBasis.Transpose();
        var centred = Matrix<double>.Build.Dense(d, batch, (c, b) => (x[(b * d) + c] / alphaS) - stats.Mean[c]);
        var moved = transform * centred;
        for (var b = 0; b < batch; b++)
        {
            for (var c = 0; c < d; c++)
            {
                x[(b * d) + c] = alphaT * (stats.Mean[c] + moved[c, b]);
            }
        }
    }
}
