using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Ems;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Solvers;
using ScheduleSearch.Core.Spacings;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Search.Generators;
using ScheduleSearch.Search.Operators;
using ScheduleSearch.Search.Specs;
using ScheduleSearch.Search.Tests.Support;

namespace ScheduleSearch.Search.Tests.Generators;

/// <summary>
/// Issue 23: DPM-Solver-v3 steps as a per-step choice of the space. Every generator, started from baselines that include
/// the dpm-solver-v3 preset, must propose only schedules that validate, lie in the space and run on the sampler with the
/// card's statistics (whose grid ends above the lowest end point searched, so some v3 steps must be turned into others).
/// </summary>
public sealed class DpmSolverV3SpaceTests
{
    private const int Dimension = 4;

    private static readonly NoiseSchedule Vp = GeneratorContexts.Vp;

    private static readonly GaussianMixtureDenoiser Model = GeneratorContexts.Model;

    /// <summary>Statistics on a grid from t = 1 to t = 2e-3; the space's end points reach down to 1e-4, off that grid.</summary>
    private static readonly EmsStatistics Ems = GeneratorContexts.Ems;

    private static readonly SearchSpace Base = SearchSpace.Plain with { TMinLow = 0.0001, TMinHigh = 0.005 };

    private static readonly DerivativeForm[] V3 = [DerivativeForm.DpmSolverV3, DerivativeForm.DpmSolverV3Pseudo];

    private static Dictionary<string, SearchSpace> Spaces { get; } = new(StringComparer.Ordinal)
    {
        ["v3 beside the default lists"] = Base with
        {
            Derivatives = [.. SearchSpace.Default.Derivatives, .. V3],
            Correctors = [CorrectorKind.None, CorrectorKind.UniC, CorrectorKind.DpmSolverV3, CorrectorKind.DpmSolverV3Pseudo],
        },
        ["v3 or dpm-solver, multistep, v3 correctors only"] = Base with
        {
            Methods = [StepMethod.Multistep], Derivatives = [DerivativeForm.DpmSolverV3, DerivativeForm.DpmSolver],
            Correctors = [CorrectorKind.DpmSolverV3, CorrectorKind.DpmSolverV3Pseudo],
        },
        ["v3 pseudo or unipc, wide decisions"] = Base.WithWideDecisions() with
        {
            Teleport = false, AfsModes = [AnalyticFirstStep.ZeroX0], Derivatives = [DerivativeForm.DpmSolverV3Pseudo, DerivativeForm.UniPcBh2],
            Correctors = [CorrectorKind.None, CorrectorKind.DpmSolverV3Pseudo, CorrectorKind.UniC],
        },
    };

    /// <summary>The spaces by name, at NFE 5 and 8.</summary>
    public static TheoryData<string, int> Cases
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (var name in Spaces.Keys)
            {
                data.Add(name, 5);
                data.Add(name, 8);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_generator_proposes_only_valid_in_space_schedules_that_run_when_v3_steps_are_allowed(string spaceName, int nfe)
    {
        var space = Spaces[spaceName];
        var context = new GeneratorContext
        {
            Noise = Vp, Nfe = nfe, Space = space, Population = 10, Seed = nfe, Budget = 80, Seeds = Seeds(nfe, withV3: true), Model = Model, Ems = Ems,
        };
        var sampler = new Sampler(Model, ems: Ems);
        var v3Steps = 0;
        foreach (var kind in GeneratorCatalog.Names)
        {
            var generator = GeneratorCatalog.Create(kind, context);
            var fakeScore = new Random(7);
            var asked = 0;
            for (var round = 0; round < 4; round++)
            {
                var batch = generator.Ask();
                foreach (var s in batch)
                {
                    var problems = ScheduleValidator.Problems(s, Vp);
                    Assert.True(problems.Count == 0 && s.Nfe == nfe, $"{kind} in '{spaceName}' at NFE {nfe} asked an invalid {s.Name}: {string.Join("; ", problems)}");
                    var violations = SpaceMembership.Violations(space, s);
                    Assert.True(violations.Count == 0, $"{kind} in '{spaceName}' at NFE {nfe} asked {s.Name} outside the space: {string.Join("; ", violations)}");
                    var x = Start(s);
                    sampler.Run(s, x, 2);
                    Assert.True(x.All(double.IsFinite), $"{kind} asked {s.Name}, which ran to a non-finite state");
                    v3Steps += s.Steps.Count(step => step.IsDpmSolverV3);
                }

                asked += batch.Count;
                generator.Tell(batch.Select(s => TestScores.Scored(s, fakeScore.NextDouble())).ToArray());
            }

            Assert.True(asked > 0, $"{kind} asked nothing in '{spaceName}' at NFE {nfe}");
        }

        Assert.True(v3Steps > 0, $"no generator proposed a v3 step in '{spaceName}' at NFE {nfe}");
    }

    [Fact]
    public void Without_the_card_s_statistics_no_generator_proposes_a_v3_step_even_from_a_v3_baseline()
    {
        var space = Spaces["v3 beside the default lists"];
        var context = new GeneratorContext
        {
            Noise = Vp, Nfe = 6, Space = space, Population = 10, Seed = 3, Budget = 60, Seeds = Seeds(6, withV3: true), Model = Model, Ems = null,
        };
        foreach (var kind in GeneratorCatalog.Names)
        {
            var generator = GeneratorCatalog.Create(kind, context);
            for (var round = 0; round < 3; round++)
            {
                var batch = generator.Ask();
                Assert.All(batch, s => Assert.DoesNotContain(s.Steps, step => step.IsDpmSolverV3 || step.HasDpmSolverV3Corrector));
                Assert.All(batch, s => Assert.Empty(ScheduleValidator.Problems(s, Vp)));
                generator.Tell(batch.Select(s => TestScores.Scored(s, 1.0)).ToArray());
            }
        }
    }

    [Fact]
    public void The_repair_turns_broken_v3_decisions_into_the_nearest_valid_ones()
    {
        var space = Spaces["v3 beside the default lists"];
        var context = new GeneratorContext { Noise = Vp, Nfe = 4, Space = space, Ems = Ems };
        var grid = Grids.LogSnr(Vp, 4, 1.0, 0.005);
        StepChoice[] steps =
        [
            // Singlestep noise prediction with UniC: a v3 step is multistep on data with a v3 corrector (or none at order 1).
            new() { Method = StepMethod.Singlestep, Order = 2, Prediction = Prediction.Noise, Derivative = DerivativeForm.DpmSolverV3, Corrector = CorrectorKind.UniC },
            new() { Order = 2, Derivative = DerivativeForm.DpmSolverV3, Corrector = CorrectorKind.DpmSolverV3, Compensation = 1.2 },
            // A v3 corrector after a UniPC predictor.
            new() { Order = 2, Derivative = DerivativeForm.UniPcBh2, Corrector = CorrectorKind.DpmSolverV3 },
            // A v3 corrector on the last step.
            new() { Order = 2, Derivative = DerivativeForm.DpmSolverV3Pseudo, Corrector = CorrectorKind.DpmSolverV3Pseudo },
        ];

        var repaired = ScheduleEditing.Repair(context, grid, steps, new Random(1), "broken");

        Assert.NotNull(repaired);
        Assert.Empty(ScheduleValidator.Problems(repaired, Vp));
        var s = repaired.Steps;
        Assert.Equal(new StepChoice { Order = 1, Derivative = DerivativeForm.DpmSolverV3, Corrector = CorrectorKind.DpmSolverV3Pseudo }, s[0]);
        Assert.Equal(new StepChoice { Order = 2, Derivative = DerivativeForm.DpmSolverV3, Corrector = CorrectorKind.DpmSolverV3 }, s[1]);
        Assert.Equal(CorrectorKind.None, s[2].Corrector);
        Assert.Equal((DerivativeForm.DpmSolverV3Pseudo, CorrectorKind.None), (s[3].Derivative, s[3].Corrector));
    }

    [Fact]
    public void A_v3_step_whose_end_lies_off_the_statistics_grid_becomes_a_step_of_another_listed_derivative()
    {
        var space = Spaces["v3 or dpm-solver, multistep, v3 correctors only"];
        var context = new GeneratorContext { Noise = Vp, Nfe = 3, Space = space, Ems = Ems };
        var grid = Grids.LogSnr(Vp, 3, 1.0, 0.0005);
        var v3 = new StepChoice { Order = 1, Derivative = DerivativeForm.DpmSolverV3, Corrector = CorrectorKind.DpmSolverV3Pseudo };

        var repaired = ScheduleEditing.Repair(context, grid, [v3, v3, v3], new Random(1), "to 5e-4");

        Assert.NotNull(repaired);
        Assert.True(repaired.Steps[0].IsDpmSolverV3);
        Assert.Equal((DerivativeForm.DpmSolver, CorrectorKind.None), (repaired.Steps[^1].Derivative, repaired.Steps[^1].Corrector));
        Assert.Empty(SpaceMembership.Violations(space, repaired));
        new Sampler(Model, ems: Ems).Run(repaired, Start(repaired), 2);
    }

    private static double[] Start(SamplerSchedule s)
    {
        var rng = new Random(5);
        var noise = Enumerable.Range(0, 2 * Dimension).Select(_ => rng.Gaussian()).ToArray();
        var x = new double[noise.Length];
        Sampler.InitialState(Vp, s.Timesteps[0], noise, x);
        return x;
    }

    private static ScoredSchedule[] Seeds(int nfe, bool withV3)
    {
        var result = new List<ScoredSchedule>();
        var score = 1.0;
        if (withV3)
        {
            // Best first: the authors' sampler on the card's statistics, so the template generators start from v3 steps.
            result.Add(TestScores.Scored(PresetCatalog.Create(DpmSolverV3Preset.Name, Vp, nfe, Spacing.LogSnrUniform, ems: Ems), score));
            score += 0.5;
        }

        foreach (var preset in new[] { "unipc-bh2-3", "deis-tab-3", "dpm-solver-2s", "dpm-solver++-3m", "ddim" })
        {
            result.Add(TestScores.Scored(PresetCatalog.Create(preset, Vp, nfe, Spacing.TimeUniform), score));
            score += 0.5;
        }

        return [.. result];
    }
}
