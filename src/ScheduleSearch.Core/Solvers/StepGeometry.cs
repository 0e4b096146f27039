using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Numerics;

namespace ScheduleSearch.Core.Solvers;

/// <summary>
/// The scalars of one step from s to t that every exponential-integrator formula uses. With z = -h for data
/// prediction and z = h for noise prediction, both forms read x_t = Ratio x_s + Sign * Scale * sum_n (...) where
/// Sign * Scale * h * phi_{n+1}(z) is the weight of the n-th scaled derivative (DPM-Solver++ eq. 9 / DPM-Solver eq. 3.4).
/// </summary>
internal readonly struct StepGeometry
{
    public StepGeometry(NoiseSchedule schedule, double s, double lambdaS, double t, bool data)
    {
        S = s;
        T = t;
        LambdaS = lambdaS;
        LambdaT = schedule.Lambda(t);
        H = LambdaT - LambdaS;
        LogAlphaS = schedule.LogAlpha(s);
        LogAlphaT = schedule.LogAlpha(t);
        AlphaT = Math.Exp(LogAlphaT);
        SigmaS = schedule.Sigma(s);
        SigmaT = schedule.Sigma(t);
        Data = data;
        Z = data ? -H : H;
        Sign = data ? 1.0 : -1.0;
        Scale = data ? AlphaT : SigmaT;
        Ratio = data ? SigmaT / SigmaS : Math.Exp(LogAlphaT - LogAlphaS);
    }

    public double S { get; }

    public double T { get; }

    public double LambdaS { get; }

    public double LambdaT { get; }

    public double H { get; }

    public double LogAlphaS { get; }

    public double LogAlphaT { get; }

    public double AlphaT { get; }

    public double SigmaS { get; }

    public double SigmaT { get; }

    public bool Data { get; }

    public double Z { get; }

    public double Sign { get; }

    public double Scale { get; }

    public double Ratio { get; }

    /// <summary>True when t has sigma = 0 (lambda = +infinity): only x_t = alpha_t x0_hat is defined there.</summary>
    public bool EndsAtZero => double.IsPositiveInfinity(LambdaT);

    /// <summary>Sign * Scale * h * phi_{n+1}(z) for n = 0..count-1.</summary>
    public void TermWeights(Span<double> weights)
    {
        Span<double> phi = stackalloc double[weights.Length];
        Special.Phi(Z, phi);
        for (var n = 0; n < weights.Length; n++)
        {
            weights[n] = Sign * Scale * H * phi[n];
        }
    }
}
