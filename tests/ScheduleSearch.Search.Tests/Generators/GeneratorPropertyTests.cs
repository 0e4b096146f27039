using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Solvers;
using ScheduleSearch.Core.Spacings;
using ScheduleSearch.Search.Generators;
using ScheduleSearch.Search.Specs;
using ScheduleSearch.Search.Tests.Support;

namespace ScheduleSearch.Search.Tests.Generators;

/// <summary>What particular generators do beyond the contract (<see cref="GeneratorContractTests"/>): the end-point choices, the space's limits, the wide decisions, and dp-timesteps' paths.</summary>
public sealed class GeneratorPropertyTests
{
    [Fact]
    public void A_t_min_range_is_searched_over_a_few_end_points_each_with_its_own_teacher()
    {
        // Teacher metrics compare states at the same time: every distinct end point costs a teacher run.
        var ctx = GeneratorContexts.Plain(5);
        var allowed = Enumerable.Range(0, GeneratorContext.EndChoices).Select(k => ctx.SnapEnd(ctx.TEndLow * Math.Pow(ctx.TEndHigh / ctx.TEndLow, k / (GeneratorContext.EndChoices - 1.0)))).ToHashSet();
        Assert.Equal(GeneratorContext.EndChoices, allowed.Count);
        var seen = new HashSet<double>();
        foreach (var kind in GeneratorCatalog.Names)
        {
            var generator = GeneratorCatalog.Create(kind, ctx);
            var fakeScore = new Random(3);
            for (var round = 0; round < 4; round++)
            {
                var batch = generator.Ask();
                foreach (var s in batch)
                {
                    Assert.Contains(s.Timesteps[^1], allowed);
                    seen.Add(s.Timesteps[^1]);
                }

                generator.Tell(batch.Select(s => TestScores.Scored(s, fakeScore.NextDouble())).ToArray());
            }
        }

        Assert.True(seen.Count > 1, "the search never moved the end point");
    }

    [Fact]
    public void A_space_without_singlestep_or_noise_prediction_is_respected()
    {
        var space = SearchSpace.Default with { Methods = [StepMethod.Multistep], Predictions = [Prediction.Data] };
        var ctx = GeneratorContexts.Plain(6, space) with { Seeds = [TestScores.Scored(PresetCatalog.Create("unipc-bh2-2", GeneratorContexts.Vp, 6, Spacing.TimeUniform), 1)] };
        var generator = new EvolutionaryGenerator(ctx);
        for (var round = 0; round < 4; round++)
        {
            var batch = generator.Ask();
            Assert.All(batch, s => Assert.All(s.Steps, step =>
            {
                Assert.Equal(StepMethod.Multistep, step.Method);
                Assert.Equal(Prediction.Data, step.Prediction);
            }));
            generator.Tell(batch.Select((s, i) => TestScores.Scored(s, i)).ToArray());
        }
    }

    [Fact]
    public void The_wide_space_is_explored_within_its_bounds_and_a_plain_space_never_leaves_the_plain_decisions()
    {
        var wide = GeneratorContexts.Wide(5);
        var plain = GeneratorContexts.Plain(5);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (ctx, isWide) in new[] { (wide, true), (plain, false) })
        {
            foreach (var kind in new[] { "random", "evolutionary", "joint-cma" })
            {
                var generator = GeneratorCatalog.Create(kind, ctx);
                var fakeScore = new Random(5);
                for (var round = 0; round < 8; round++)
                {
                    var batch = generator.Ask();
                    foreach (var s in batch)
                    {
                        var space = ctx.Space;
                        if (!isWide)
                        {
                            Assert.Equal(ScheduleOptions.Default, s.Options);
                            Assert.All(s.Steps, st => Assert.True(st.TimeShift == 0.0 && st.Compensation == 1.0 && st.Method != StepMethod.Teleport));
                            continue;
                        }

                        Assert.InRange(s.Options.Momentum, 0.0, space.MomentumMax);
                        for (var i = 0; i < s.Steps.Length; i++)
                        {
                            Assert.InRange(Math.Abs(s.Steps[i].TimeShift), 0.0, (space.TimeShiftBound * s.Timesteps[i]) + 1e-12);
                            Assert.InRange(s.Steps[i].Compensation, 1.0 - space.CompensationBound, 1.0 + space.CompensationBound);
                        }

                        if (s.Steps[0].Method == StepMethod.Teleport)
                        {
                            Assert.True(s.Timesteps[1] >= (space.TeleportLowest * s.Timesteps[0]) - 1e-12, $"teleport lands at {s.Timesteps[1]}");
                            seen.Add("teleport");
                        }

                        seen.Add(s.Options.Afs.ToString());
                        if (s.Options.Momentum > 0)
                        {
                            seen.Add("momentum");
                        }

                        if (s.Steps.Any(st => st.TimeShift != 0.0))
                        {
                            seen.Add("time_shift");
                        }

                        if (s.Steps.Any(st => st.Compensation != 1.0))
                        {
                            seen.Add("compensation");
                        }
                    }

                    generator.Tell(batch.Select(s => TestScores.Scored(s, fakeScore.NextDouble())).ToArray());
                }
            }
        }

        Assert.Superset(new HashSet<string>(["teleport", "momentum", "time_shift", "compensation", "ZeroX0", "MeanX0", "None"]), seen);
    }

    [Theory]
    [MemberData(nameof(GeneratorContexts.Nfes), MemberType = typeof(GeneratorContexts))]
    public void Dp_timesteps_proposes_only_valid_schedules_at_the_target_nfe_with_the_templates_decisions(int nfe)
    {
        var ctx = GeneratorContexts.Plain(nfe);
        var generator = new DpTimestepsGenerator(ctx, fineIntervals: 40, samples: 8, substeps: 2);
        var batch = generator.Ask();
        Assert.NotEmpty(batch);
        foreach (var s in batch)
        {
            GeneratorContexts.AssertValid(s, nfe, s.Name);
            Assert.Contains(ctx.Seeds, seed => seed.Schedule.Steps.SequenceEqual(s.Steps) && seed.Schedule.Timesteps[0] == s.Timesteps[0] && seed.Schedule.Timesteps[^1] == s.Timesteps[^1]);
        }

        Assert.Equal(batch.Count, batch.Select(ScheduleKey.Compute).Distinct().Count());
        // One teacher for the seeds' shared ends: 40 fine intervals x 2 teacher steps, then one call per fine point.
        Assert.Equal(120, generator.ModelCalls);
        Assert.Empty(generator.Ask());
    }

    [Fact]
    public void Dp_timesteps_without_a_model_proposes_nothing()
    {
        var generator = GeneratorCatalog.Create("dp-timesteps", GeneratorContexts.Plain(5) with { Model = null });
        Assert.Empty(generator.Ask());
    }

    [Fact]
    public void The_dp_finds_the_cheapest_path_of_exactly_n_steps_and_the_next_best_ones_in_order()
    {
        // Costs grow with the square of the jump, so the best 2-step path over 0..4 goes through the middle.
        var cost = new double[5, 5];
        for (var i = 0; i < 5; i++)
        {
            for (var j = i + 1; j < 5; j++)
            {
                cost[i, j] = (j - i) * (j - i);
            }
        }

        var paths = DpTimestepsGenerator.KBestPaths(cost, 2, 3);
        Assert.Equal([0, 2, 4], paths[0].Path);
        Assert.Equal(8.0, paths[0].Cost);
        Assert.Equal(10.0, paths[1].Cost);
        Assert.Equal(10.0, paths[2].Cost);
        Assert.All(paths, p => Assert.Equal(3, p.Path.Length));
        Assert.Equal([0, 1, 2, 3, 4], DpTimestepsGenerator.KBestPaths(cost, 4, 1)[0].Path);
    }
}
