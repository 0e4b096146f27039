using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Solvers;

namespace ScheduleSearch.Core.Tests.Solvers;

/// <summary>T-Stitch style per-step model choice: each evaluation goes to the network its step names.</summary>
public sealed class ModelVariantTests
{
    private static readonly VpDiscreteSchedule Vp = VpDiscreteSchedule.Linear();
    private static readonly GaussianMixture Mixture = new([0.4, 0.6], [[1.0, -1.0], [-1.0, 0.5]], [[0.2, 0.3], [0.1, 0.2]]);

    [Fact]
    public void Steps_naming_a_variant_evaluate_it_and_the_rest_use_the_primary_model()
    {
        var primary = new GaussianMixtureDenoiser(Mixture, Vp);
        var small = new GaussianMixtureDenoiser(Mixture, Vp);
        var plain = PresetCatalog.Create("unipc-bh2-2", Vp, 6);
        // Steps 1-3 name "small": their anchors (the UniC evaluations of steps 1-2 feed steps 2-3) go to it.
        var stitched = plain with { Steps = [.. plain.Steps.Select((s, i) => i < 3 ? s with { Model = "small" } : s)] };
        double[] x = [0.2, -0.4, 1.3, 0.8];
        new Sampler(primary, variants: new Dictionary<string, IDenoiser> { ["small"] = small }).Run(stitched, x, 2);
        Assert.Equal(3, small.Calls);
        Assert.Equal(3, primary.Calls);

        // Identical networks give the identical result: only the routing changed.
        double[] y = [0.2, -0.4, 1.3, 0.8];
        new Sampler(new GaussianMixtureDenoiser(Mixture, Vp)).Run(plain, y, 2);
        Assert.Equal(y, x);
    }

    [Fact]
    public void An_unknown_variant_is_refused_naming_the_step_and_the_known_variants()
    {
        var plain = PresetCatalog.Create("ddim", Vp, 3);
        var stitched = plain with { Steps = plain.Steps.SetItem(1, plain.Steps[1] with { Model = "tiny" }) };
        var denoiser = new GaussianMixtureDenoiser(Mixture, Vp);
        var sampler = new Sampler(denoiser, variants: new Dictionary<string, IDenoiser> { ["small"] = new GaussianMixtureDenoiser(Mixture, Vp) });
        var error = Assert.Throws<ScheduleFormatException>(() => sampler.Run(stitched, new double[2], 1));
        Assert.Equal("step 2: model \"tiny\" is not a variant of this model (the card's variants are small)", error.Message);
        Assert.Equal(0, denoiser.Calls);
    }
}
