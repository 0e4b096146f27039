using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Spacings;
using ScheduleSearch.Core.Tests.Support;
using Xunit.Abstractions;

namespace ScheduleSearch.Core.Tests.Solvers;

/// <summary>
/// Every preset converges on the exact Gaussian case (SOLVERS.md section 1) at its order: the least-squares slope of
/// -log(max error) against log(NFE) lies within 0.3 of the expected order. The expected order is the asymptotic
/// order of the preset as its authors' rules define it, including their boundary steps: a single first-order step
/// (local error O(h^2)) anywhere caps the global order at 2 once N is large. NFE ranges are chosen inside the
/// asymptotic regime and above the float64 floor; VP cases use the smooth continuous VP-linear schedule from t = 1
/// to 1e-3 with logSNR-uniform grids, EDM cases the EDM schedule.
/// </summary>
public sealed class ConvergenceOrderTests(ITestOutputHelper output)
{
    private static readonly int[] Wide = [64, 128, 256, 512];

    public static TheoryData<string, double, string> Presets => new()
    {
        { "ddim", 1, "first order" },
        { "dpm-solver-2m", 2, "second order" },
        { "dpm-solver++-2m", 2, "second order" },
        // The authors' third-order multistep update weights D2 = h^2 m''/2 by h phi_3(-h), half the Taylor
        // coefficient of m'' (the taylor form below does not), so its local error is O(h^3): second order.
        { "dpm-solver++-3m", 2, "authors' D2 term is half the Taylor coefficient" },
        { "dpm-solver-2s", 2, "second order" },
        { "dpm-solver++-2s", 2, "second order" },
        { "dpm-solver-2s-fixed", 2, "second order" },
        { "dpm-solver++-2s-fixed", 2, "second order" },
        { "dpm-solver-3s", 3, "NFE = 2 mod 3 so the orders end [.., 3, 2]" },
        { "dpm-solver-3s-fixed", 3, "third order" },
        { "unipc-bh1-1", 2, "UniP-1 + UniC" },
        { "unipc-bh2-1", 2, "UniP-1 + UniC" },
        { "unipc-bh1-2", 3, "UniP-2 + UniC" },
        { "unipc-bh2-2", 3, "UniP-2 + UniC" },
        // UniP-3 + UniC is fourth order, but lower_order_final makes the last step first order without corrector.
        { "unipc-bh1-3", 2, "last step first order (lower_order_final)" },
        { "unipc-bh2-3", 2, "last step first order (lower_order_final)" },
        { "deis-tab-1", 1, "DDIM" },
        { "deis-tab-2", 2, "second order" },
        { "deis-tab-3", 3, "third order" },
        // iPNDM's warm-up begins with an Euler step (local O(h^2)); PLMS's pseudo improved-Euler warm-up does not cap it.
        { "ipndm", 2, "Euler warm-up step" },
        { "plms", 4, "Adams-Bashforth 4 after a second-order warm-up" },
        { "euler", 1, "first order" },
        { "heun", 2, "second order, Euler on the last step to sigma 0" },
    };

    [Theory]
    [MemberData(nameof(Presets))]
    public void Preset_converges_at_its_order_on_the_exact_Gaussian(string preset, double expectedOrder, string why)
    {
        var (model, nfes, spacing, tStart, tEnd) = Setup(preset);
        var errors = nfes.Select(n => model.Error(PresetCatalog.Create(preset, model.Schedule, n, spacing, tStart, tEnd))).ToArray();
        var order = ExactGaussian.FittedOrder(nfes, errors);
        output.WriteLine($"{preset}: NFE {string.Join(",", nfes)} errors {string.Join(" ", errors.Select(e => e.ToString("E2", System.Globalization.CultureInfo.InvariantCulture)))} fitted order {order:F2} (expected {expectedOrder}: {why})");
        Assert.InRange(order, expectedOrder - 0.3, expectedOrder + 0.3);
    }

    [Fact]
    public void Taylor_form_of_the_third_order_multistep_is_at_least_third_order()
    {
        // Same warm-up as DPM-Solver++(3M), but the exact Taylor weights: converges like h^3 or better where 3M is h^2.
        var model = new ExactGaussian(new VpLinearSchedule());
        int[] nfes = [32, 64, 128];
        var errors = nfes.Select(n =>
        {
            var s = PresetCatalog.Create("dpm-solver++-3m", model.Schedule, n, Spacing.LogSnrUniform);
            return model.Error(s with { Steps = [.. s.Steps.Select(step => step with { Derivative = DerivativeForm.Taylor })] });
        }).ToArray();
        var order = ExactGaussian.FittedOrder(nfes, errors);
        output.WriteLine($"taylor 3M fitted order {order:F2}");
        Assert.True(order >= 2.7, $"fitted order {order:F2}");
    }

    private static (ExactGaussian Model, int[] Nfes, Spacing Spacing, double? TStart, double? TEnd) Setup(string preset) => preset switch
    {
        "euler" or "heun" => (new ExactGaussian(new EdmSchedule()), [65, 129, 257, 513], Spacing.Karras7, null, 0.0),
        // AB methods use equal-step coefficients: give them steps uniform in the VE noise level (EDM time).
        "ipndm" => (new ExactGaussian(new EdmSchedule()), [256, 512, 1024, 2048], Spacing.TimeUniform, 5.0, 0.5),
        "plms" => (new ExactGaussian(new EdmSchedule()), [256, 512, 1024, 2048], Spacing.TimeUniform, 5.0, 0.5),
        "dpm-solver-3s" => (new ExactGaussian(new VpLinearSchedule()), [128, 257, 512, 1025, 2048], Spacing.LogSnrUniform, null, null),
        "dpm-solver-3s-fixed" => (new ExactGaussian(new VpLinearSchedule()), [66, 129, 258, 513], Spacing.LogSnrUniform, null, null),
        "unipc-bh1-3" or "unipc-bh2-3" => (new ExactGaussian(new VpLinearSchedule()), [256, 512, 1024, 2048], Spacing.LogSnrUniform, null, null),
        _ => (new ExactGaussian(new VpLinearSchedule()), Wide, Spacing.LogSnrUniform, null, null),
    };
}
