using System.Globalization;
using ScheduleSearch.Core.Ems;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Solvers;
using ScheduleSearch.Core.Spacings;
using ScheduleSearch.Core.Tests.Support;
using Xunit.Abstractions;

namespace ScheduleSearch.Core.Tests.Solvers;

/// <summary>
/// DPM-Solver-v3's orders on the exact Gaussian case (SOLVERS.md section 1). The paper (Zheng et al. 2023, Thm. 3.1)
/// states local error O(h^(n+1)) for the predictor of order n whatever the statistics, as long as they are smooth in
/// lambda, so global order n; the corrector refits the step with the new point and keeps that order. The pseudo-order
/// variants (divided differences, section 3.3) trade that guarantee for stability: their first difference estimates
/// the derivative between two points, not at s, so they are second order whatever their nominal order. The
/// statistics here are arbitrary smooth functions on a fine grid (60000 lambda intervals, so that the trapezoid
/// integrals stay below the errors measured), not estimated ones: the order must not depend on them.
/// </summary>
public sealed class DpmSolverV3ConvergenceTests(ITestOutputHelper output)
{
    public static TheoryData<int, bool, bool, bool, double> Cases => new()
    {
        { 1, false, false, false, 1 },
        { 2, false, false, false, 2 },
        { 3, false, false, false, 3 },
        { 3, false, true, false, 3 },
        { 3, true, false, false, 2 },
        { 2, false, true, true, 2 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void V3_converges_at_the_order_the_paper_states(int order, bool pPseudo, bool corrector, bool cPseudo, double expected)
    {
        var model = new ExactGaussian(new VpLinearSchedule());
        var schedule = model.Schedule;
        var ems = SmoothStatistics(schedule, ExactGaussian.Mean.Length);
        var options = new DpmSolverV3Options
        {
            Order = order, PPseudo = pPseudo, UseCorrector = corrector, CPseudo = cPseudo, LowerOrderFinal = false,
        };
        int[] nfes = [24, 48, 96, 192];
        var errors = nfes.Select(n =>
        {
            var plan = PresetCatalog.Create(DpmSolverV3Preset.Name, schedule, n, Spacing.LogSnrUniform, ems: ems, v3Options: options);
            var x = new double[model.Noise.Length];
            Sampler.InitialState(schedule, plan.Timesteps[0], model.Noise, x);
            var exact = model.Exact(x, plan.Timesteps[0], plan.Timesteps[^1]);
            new Sampler(model.Denoiser, ems: ems).Run(plan, x, ExactGaussian.Batch);
            return x.Zip(exact).Max(p => Math.Abs(p.First - p.Second));
        }).ToArray();
        var fitted = ExactGaussian.FittedOrder(nfes, errors);
        output.WriteLine($"order {order} p_pseudo {pPseudo} corrector {corrector} c_pseudo {cPseudo}: errors {string.Join(" ", errors.Select(e => e.ToString("E2", CultureInfo.InvariantCulture)))} fitted {fitted:F2} (expected {expected})");
        Assert.InRange(fitted, expected - 0.3, expected + 0.5);
    }

    /// <summary>
    /// l = the exact linear coefficient of this Gaussian, e^(-2 lambda) / (v + e^(-2 lambda)) (1 at high noise, 0 at low
    /// noise, as estimated statistics are), with arbitrary smooth s = 0.2 sin(lambda), b = 0.1 cos(lambda) + 0.05 d.
    /// </summary>
    private static EmsStatistics SmoothStatistics(NoiseSchedule schedule, int d, int intervals = 60000)
    {
        var lambda = Grids.Linspace(schedule.Lambda(schedule.DefaultTStart), schedule.Lambda(schedule.DefaultTEnd), intervals + 1);
        var size = lambda.Length * d;
        var l = new double[size];
        var s = new double[size];
        var b = new double[size];
        for (var j = 0; j < lambda.Length; j++)
        {
            for (var e = 0; e < d; e++)
            {
                var sb2 = Math.Exp(-2.0 * lambda[j]);
                l[(j * d) + e] = sb2 / (ExactGaussian.Variance[e] + sb2);
                s[(j * d) + e] = 0.2 * Math.Sin(lambda[j]);
                b[(j * d) + e] = (0.1 * Math.Cos(lambda[j])) + (0.05 * e);
            }
        }

        return new EmsStatistics(lambda, l, s, b, d);
    }
}
