using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Solvers;
using ScheduleSearch.Core.Spacings;
using ScheduleSearch.Core.Tests.Support;

namespace ScheduleSearch.Core.Tests.Solvers;

/// <summary>The NFE a schedule announces equals the number of model calls the executor really makes.</summary>
public sealed class NfeAccountingTests
{
    public static TheoryData<string> PresetNames => [.. PresetCatalog.Names];

    [Theory]
    [MemberData(nameof(PresetNames))]
    public void Every_preset_makes_exactly_the_model_calls_it_announces(string preset)
    {
        foreach (var noise in new NoiseSchedule[] { VpDiscreteSchedule.Linear(), new EdmSchedule() })
        {
            for (var nfe = 2; nfe <= 12; nfe++)
            {
                foreach (var spacing in Spacing.Named)
                {
                    SamplerSchedule schedule;
                    try
                    {
                        schedule = PresetCatalog.Create(preset, noise, nfe, spacing);
                    }
                    catch (ArgumentException)
                    {
                        continue; // e.g. heun cannot spend an even NFE on a grid ending at sigma 0
                    }

                    Assert.Equal(nfe, schedule.Nfe);
                    Assert.Equal(nfe, Calls(schedule, noise));
                }
            }
        }
    }

    [Fact]
    public void Heun_spends_two_calls_per_interval_but_one_on_the_last()
    {
        var noise = new EdmSchedule();
        for (var n = 1; n <= 10; n++)
        {
            var grid = Grids.Build(Spacing.Karras7, noise, n, 80.0, 0.0);
            var schedule = PresetCatalog.Create("heun", noise, grid);
            Assert.Equal((2 * n) - 1, schedule.Nfe);
            Assert.Equal((2 * n) - 1, Calls(schedule, noise));
        }
    }

    [Fact]
    public void Random_valid_schedules_make_exactly_the_model_calls_they_announce()
    {
        var noise = VpDiscreteSchedule.Linear();
        var rng = new Random(11);
        var checkedCount = 0;
        for (var trial = 0; trial < 400; trial++)
        {
            var schedule = RandomSchedules.Create(rng, noise);
            if (ScheduleValidator.Problems(schedule, noise).Count > 0)
            {
                continue;
            }

            Assert.Equal(schedule.Nfe, Calls(schedule, noise));
            checkedCount++;
        }

        Assert.True(checkedCount > 150, $"only {checkedCount} random schedules were valid");
    }

    private static long Calls(SamplerSchedule schedule, NoiseSchedule noise)
    {
        var denoiser = new GaussianMixtureDenoiser(new GaussianMixture([1.0], [[0.0, 1.0]], [[1.0, 0.5]]), noise);
        var x = new double[2 * 2];
        Sampler.InitialState(noise, schedule.Timesteps[0], [0.3, -1.2, 0.7, 2.0], x);
        new Sampler(denoiser).Run(schedule, x, 2);
        return denoiser.Calls;
    }
}
