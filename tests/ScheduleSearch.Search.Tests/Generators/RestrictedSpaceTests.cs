using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Solvers;
using ScheduleSearch.Core.Spacings;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Search.Generators;
using ScheduleSearch.Search.Specs;
using ScheduleSearch.Search.Tests.Support;

namespace ScheduleSearch.Search.Tests.Generators;

/// <summary>
/// Issue 20: searches whose space allowed only singlestep steps, or only the deis derivative, returned multistep
/// winners of other derivatives, because the template generators kept the best baseline's decisions. Every generator
/// is driven here from baselines that lie outside the space, and everything it asks must lie inside.
/// </summary>
public sealed class RestrictedSpaceTests
{
    private static readonly NoiseSchedule Vp = VpDiscreteSchedule.Linear();

    private static readonly GaussianMixtureDenoiser Model = SmallModel();

    private static readonly SearchSpace Base = SearchSpace.Plain with { TMinLow = 0.0001, TMinHigh = 0.005 };

    /// <summary>The restricted spaces, by name.</summary>
    public static TheoryData<string, int> Cases
    {
        get
        {
            // NFE 5 everywhere; NFE 6 once, where Heun (even NFE only) joins the baselines.
            var data = new TheoryData<string, int>();
            foreach (var name in Spaces.Keys)
            {
                data.Add(name, 5);
            }

            data.Add("singlestep only", 6);
            return data;
        }
    }

    private static Dictionary<string, SearchSpace> Spaces { get; } = new(StringComparer.Ordinal)
    {
        ["singlestep only"] = Base with { Methods = [StepMethod.Singlestep] },
        ["deis only"] = Base with { Derivatives = [DerivativeForm.Deis] },
        ["multistep, order 1-2, data, no corrector"] = Base with
        {
            Methods = [StepMethod.Multistep], Orders = [1, 2], Predictions = [Prediction.Data], Correctors = [CorrectorKind.None],
        },
        ["singlestep taylor on noise, time shifts"] = Base with
        {
            Methods = [StepMethod.Singlestep], Derivatives = [DerivativeForm.Taylor], Predictions = [Prediction.Noise], TimeShift = true,
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_generator_asks_only_schedules_inside_a_restricted_space_when_the_baselines_lie_outside(string spaceName, int nfe)
    {
        var space = Spaces[spaceName];
        var seeds = Seeds(nfe);
        Assert.Contains(seeds, s => !SpaceMembership.Contains(space, s.Schedule));
        var context = new GeneratorContext
        {
            Noise = Vp, Nfe = nfe, Space = space, Population = 10, Seed = nfe, Budget = 80, Seeds = seeds, Model = Model,
        };
        foreach (var kind in GeneratorCatalog.Names)
        {
            var generator = GeneratorCatalog.Create(kind, context);
            var fakeScore = new Random(11);
            var asked = 0;
            for (var round = 0; round < 4; round++)
            {
                var batch = generator.Ask();
                foreach (var s in batch)
                {
                    var violations = SpaceMembership.Violations(space, s);
                    Assert.True(violations.Count == 0, $"{kind} in '{spaceName}' at NFE {nfe} asked {s.Name}: {string.Join("; ", violations)}");
                    Assert.True(ScheduleValidator.Problems(s, Vp).Count == 0 && s.Nfe == nfe, $"{kind} asked an invalid {s.Name}");
                }

                asked += batch.Count;
                generator.Tell(batch.Select(s => TestScores.Scored(s, fakeScore.NextDouble())).ToArray());
            }

            // Projection must not silence a generator: each still proposes (dp-timesteps once, from the projected templates).
            Assert.True(asked > 0, $"{kind} asked nothing in '{spaceName}' at NFE {nfe}");
        }
    }

    [Fact]
    public void The_default_space_keeps_a_baseline_template_outside_its_lists_so_the_default_search_is_unchanged()
    {
        var deis = PresetCatalog.Create("deis-tab-2", Vp, 5, Spacing.TimeUniform);
        Assert.True(SearchSpace.Default.KeepsBaselineDecisions);
        Assert.True(SpaceMembership.Contains(SearchSpace.Default, deis));
        Assert.False((SearchSpace.Default with { Methods = [StepMethod.Multistep] }).KeepsBaselineDecisions);
        Assert.False(SpaceMembership.Contains(SearchSpace.Default with { Derivatives = [DerivativeForm.DpmSolver] }, deis));
    }

    private static ScoredSchedule[] Seeds(int nfe)
    {
        var result = new List<ScoredSchedule>();
        var score = 1.0;
        // Best first: a multistep UniPC, DEIS, a VE-view method, singlestep noise prediction, DDIM.
        foreach (var preset in new[] { "unipc-bh2-3", "deis-tab-3", "heun", "ipndm", "dpm-solver-2s", "dpm-solver++-3m", "ddim" })
        {
            try
            {
                var s = PresetCatalog.Create(preset, Vp, nfe, Spacing.TimeUniform);
                result.Add(TestScores.Scored(s, score));
                score += 0.5;
            }
            catch (ArgumentException)
            {
                // A preset that cannot spend exactly this NFE (heun at odd NFE) is left out.
            }
        }

        return [.. result];
    }

    private static GaussianMixtureDenoiser SmallModel()
    {
        var rng = new Random(3);
        double[] Row(double scale, double offset) => [.. Enumerable.Range(0, 4).Select(_ => offset + (scale * rng.NextDouble()))];
        var mixture = new GaussianMixture([0.5, 0.5], [Row(4, -2), Row(4, -2)], [Row(0.2, 0.1), Row(0.2, 0.1)]);
        return new GaussianMixtureDenoiser(mixture, Vp);
    }
}
