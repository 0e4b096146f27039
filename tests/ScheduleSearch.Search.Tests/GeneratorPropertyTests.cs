using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Solvers;
using ScheduleSearch.Core.Spacings;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Search.Generators;
using ScheduleSearch.Search.Specs;
using ScheduleSearch.Search.Tests.Generators;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Search.Tests;

public sealed class GeneratorPropertyTests
{
    private static readonly NoiseSchedule Vp = VpDiscreteSchedule.Linear();

    /// <summary>A small exact mixture, for the generators that run the teacher themselves (dp-timesteps).</summary>
    private static readonly GaussianMixtureDenoiser Model = SmallModel();

    public static TheoryData<int> Nfes => [2, 3, 4, 5, 6, 8, 10];

    private static GeneratorContext Context(int nfe, SearchSpace? space = null) => new()
    {
        Noise = Vp,
        Nfe = nfe,
        Space = space ?? SearchSpace.Plain with { TMinLow = 0.0001, TMinHigh = 0.005 },
        Population = 20,
        Seed = nfe,
        Budget = 200,
        Seeds = Seeds(nfe),
        Model = Model,
    };

    private static GaussianMixtureDenoiser SmallModel()
    {
        var rng = new Random(3);
        var mixture = new GaussianMixture(
            [0.5, 0.5],
            [[.. Enumerable.Range(0, 4).Select(_ => (rng.NextDouble() * 4) - 2)], [.. Enumerable.Range(0, 4).Select(_ => (rng.NextDouble() * 4) - 2)]],
            [[.. Enumerable.Range(0, 4).Select(_ => 0.1 + (0.2 * rng.NextDouble()))], [.. Enumerable.Range(0, 4).Select(_ => 0.1 + (0.2 * rng.NextDouble()))]]);
        return new GaussianMixtureDenoiser(mixture, Vp);
    }

    private static GeneratorContext WideContext(int nfe) =>
        Context(nfe, (SearchSpace.Default with { TMinLow = 0.0001, TMinHigh = 0.005 }).WithWideDecisions());

    private static ScoredSchedule[] Seeds(int nfe)
    {
        var result = new List<ScoredSchedule>();
        var score = 1.0;
        foreach (var preset in new[] { "unipc-bh1-3", "dpm-solver++-3m", "dpm-solver++-2s", "dpm-solver-3s", "ddim" })
        {
            SamplerSchedule s;
            try
            {
                s = PresetCatalog.Create(preset, Vp, nfe, Spacing.TimeUniform);
            }
            catch (ArgumentException)
            {
                continue;
            }

            result.Add(Scored(s, score));
            score += 0.5;
        }

        return [.. result];
    }

    private static ScoredSchedule Scored(SamplerSchedule s, double score) => TestScores.Scored(s, score);

    private static void AssertEveryGeneratorAsksValidSchedules(GeneratorContext context, int nfe)
    {
        foreach (var kind in GeneratorCatalog.Names)
        {
            var generator = GeneratorCatalog.Create(kind, context);
            var fakeScore = new Random(7);
            for (var round = 0; round < 6; round++)
            {
                var batch = generator.Ask();
                foreach (var s in batch)
                {
                    AssertValid(s, nfe, kind);
                }

                generator.Tell(batch.Select(s => Scored(s, fakeScore.NextDouble())).ToArray());
            }
        }
    }

    private static void AssertValid(SamplerSchedule s, int nfe, string what)
    {
        var problems = ScheduleValidator.Problems(s, Vp);
        Assert.True(problems.Count == 0, $"{what}: {string.Join("; ", problems)}");
        Assert.True(s.Nfe == nfe, $"{what}: costs {s.Nfe}, expected {nfe}");
    }

    [Theory]
    [MemberData(nameof(Nfes))]
    public void Every_mutation_output_validates_at_the_target_nfe(int nfe)
    {
        var ctx = Context(nfe);
        var rng = new Random(nfe);
        foreach (var seed in ctx.Seeds)
        {
            foreach (var (name, apply) in Mutations.All)
            {
                for (var i = 0; i < 30; i++)
                {
                    if (apply(ctx, seed.Schedule, rng) is { } child)
                    {
                        AssertValid(child, nfe, $"{name} of {seed.Schedule.Name}");
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Nfes))]
    public void Every_crossover_output_validates_at_the_target_nfe(int nfe)
    {
        var ctx = Context(nfe);
        var rng = new Random(nfe);
        var parents = ctx.Seeds.Select(s => s.Schedule).Concat(Enumerable.Range(0, 5).Select(_ => Mutations.RandomSchedule(ctx, rng)!)).ToArray();
        foreach (var (name, apply) in Crossovers.All)
        {
            foreach (var a in parents)
            {
                foreach (var b in parents)
                {
                    if (apply(ctx, a, b, rng) is { } child)
                    {
                        AssertValid(child, nfe, $"{name} of {a.Name} x {b.Name}");
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Nfes))]
    public void Random_schedules_validate_at_the_target_nfe_and_most_draws_succeed(int nfe)
    {
        var ctx = Context(nfe);
        var rng = new Random(nfe);
        var made = 0;
        for (var i = 0; i < 200; i++)
        {
            if (Mutations.RandomSchedule(ctx, rng) is { } s)
            {
                AssertValid(s, nfe, "random");
                made++;
            }
        }

        Assert.True(made > 150, $"only {made} of 200 random draws produced a schedule");
    }

    [Theory]
    [MemberData(nameof(Nfes))]
    public void Every_generator_asks_only_valid_schedules_at_the_target_nfe(int nfe)
    {
        AssertEveryGeneratorAsksValidSchedules(Context(nfe), nfe);
    }

    [Fact]
    public void A_t_min_range_is_searched_over_a_few_end_points_each_with_its_own_teacher()
    {
        // Teacher metrics compare states at the same time: every distinct end point costs a teacher run.
        var ctx = Context(5);
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

                generator.Tell(batch.Select(s => Scored(s, fakeScore.NextDouble())).ToArray());
            }
        }

        Assert.True(seen.Count > 1, "the search never moved the end point");
    }

    [Fact]
    public void A_space_without_singlestep_or_noise_prediction_is_respected()
    {
        var space = SearchSpace.Default with { Methods = [StepMethod.Multistep], Predictions = [Prediction.Data] };
        var ctx = Context(6, space) with { Seeds = [Scored(PresetCatalog.Create("unipc-bh2-2", Vp, 6, Spacing.TimeUniform), 1)] };
        var generator = new EvolutionaryGenerator(ctx);
        for (var round = 0; round < 4; round++)
        {
            var batch = generator.Ask();
            Assert.All(batch, s => Assert.All(s.Steps, step =>
            {
                Assert.Equal(StepMethod.Multistep, step.Method);
                Assert.Equal(Prediction.Data, step.Prediction);
            }));
            generator.Tell(batch.Select((s, i) => Scored(s, i)).ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(Nfes))]
    public void With_the_wide_space_every_mutation_and_crossover_output_validates_at_the_target_nfe(int nfe)
    {
        var ctx = WideContext(nfe);
        var rng = new Random(nfe);
        var parents = ctx.Seeds.Select(s => s.Schedule).Concat(Enumerable.Range(0, 8).Select(_ => Mutations.RandomSchedule(ctx, rng)).OfType<SamplerSchedule>()).ToList();
        foreach (var parent in parents.ToArray())
        {
            foreach (var (name, apply) in Mutations.All)
            {
                for (var i = 0; i < 20; i++)
                {
                    if (apply(ctx, parent, rng) is { } child)
                    {
                        AssertValid(child, nfe, $"{name} of {parent.Name}");
                        parents.Add(child);
                    }
                }
            }
        }

        foreach (var (name, apply) in Crossovers.All)
        {
            for (var i = 0; i < 300; i++)
            {
                var a = parents[rng.Next(parents.Count)];
                var b = parents[rng.Next(parents.Count)];
                if (apply(ctx, a, b, rng) is { } child)
                {
                    AssertValid(child, nfe, $"{name} of {a.Name} x {b.Name}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Nfes))]
    public void With_prefix_breeding_every_crossover_breed_and_generator_output_validates_at_the_target_nfe(int nfe)
    {
        foreach (var ctx in new[] { Context(nfe) with { Breeding = Breeding.Prefix }, WideContext(nfe) with { Breeding = Breeding.Prefix } })
        {
            var rng = new Random(nfe);
            var parents = ctx.Seeds.Select(s => s.Schedule).Concat(Enumerable.Range(0, 8).Select(_ => Mutations.RandomSchedule(ctx, rng)).OfType<SamplerSchedule>()).ToArray();
            foreach (var (name, apply) in Crossovers.All)
            {
                for (var i = 0; i < 200; i++)
                {
                    var a = parents[rng.Next(parents.Length)];
                    var b = parents[rng.Next(parents.Length)];
                    if (apply(ctx, a, b, rng) is { } child)
                    {
                        AssertValid(child, nfe, $"prefix {name} of {a.Name} x {b.Name}");
                    }
                }
            }

            var top = parents.Select((p, i) => Scored(p, i)).ToArray();
            for (var i = 0; i < 200; i++)
            {
                if (EvolutionaryGenerator.Breed(ctx, top, rng) is { } child)
                {
                    AssertValid(child, nfe, "prefix breed");
                }
            }

            AssertEveryGeneratorAsksValidSchedules(ctx, nfe);
        }
    }

    [Theory]
    [InlineData(5)]
    [InlineData(8)]
    public void Prefix_breeding_children_keep_more_first_steps_of_a_parent_than_mixing_children(int nfe)
    {
        // What the evaluator's prefix cache can serve: the steps a child shares with the nearest parent
        // (SamplerPrefix keys, which hold exactly what the sampler state at step k depends on).
        double MeanShared(Breeding breeding, SearchSpace space)
        {
            // A population some generations in: the top are relatives (mutants of one schedule), the same for both breedings.
            var rng = new Random(11);
            var ctx = Context(nfe, space);
            var parents = Enumerable.Range(0, 10).Select(_ => Mutations.Mutate(ctx, ctx.Seeds[0].Schedule, rng)).OfType<SamplerSchedule>().ToArray();
            ctx = ctx with { Breeding = breeding };
            var top = parents.Select((p, i) => Scored(p, i)).ToArray();
            var shared = new List<int>();
            for (var i = 0; i < 1000; i++)
            {
                if (EvolutionaryGenerator.Breed(ctx, top, rng) is { } child)
                {
                    shared.Add(parents.Max(p => SharedSteps(child, p)));
                }
            }

            return shared.Average();
        }

        foreach (var space in new[] { SearchSpace.Plain with { TMinLow = 0.0001, TMinHigh = 0.005 }, SearchSpace.Default with { TimeShift = false } })
        {
            var mixing = MeanShared(Breeding.Mixing, space);
            var prefix = MeanShared(Breeding.Prefix, space);
            // Measured here: +0.32 to +0.37 steps at NFE 5, +0.68 to +0.82 at NFE 8; the bar is a twentieth of the steps.
            Assert.True(prefix - mixing >= 0.05 * nfe, $"prefix breeding shares {prefix:F2} steps on average, mixing {mixing:F2}");
        }
    }

    private static int SharedSteps(SamplerSchedule a, SamplerSchedule b)
    {
        var k = 0;
        while (k < Math.Min(a.Steps.Length, b.Steps.Length) && SamplerPrefix.Key(a, k) == SamplerPrefix.Key(b, k))
        {
            k++;
        }

        return k;
    }

    [Theory]
    [MemberData(nameof(Nfes))]
    public void With_the_wide_space_every_generator_asks_only_valid_schedules_at_the_target_nfe(int nfe)
    {
        AssertEveryGeneratorAsksValidSchedules(WideContext(nfe), nfe);
    }

    [Fact]
    public void The_wide_space_is_explored_within_its_bounds_and_a_plain_space_never_leaves_the_plain_decisions()
    {
        var wide = WideContext(5);
        var plain = Context(5);
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

                    generator.Tell(batch.Select(s => Scored(s, fakeScore.NextDouble())).ToArray());
                }
            }
        }

        Assert.Superset(new HashSet<string>(["teleport", "momentum", "time_shift", "compensation", "ZeroX0", "MeanX0", "None"]), seen);
    }

    [Theory]
    [MemberData(nameof(Nfes))]
    public void Dp_timesteps_proposes_only_valid_schedules_at_the_target_nfe_with_the_templates_decisions(int nfe)
    {
        var ctx = Context(nfe);
        var generator = new DpTimestepsGenerator(ctx, fineIntervals: 40, samples: 8, substeps: 2);
        var batch = generator.Ask();
        Assert.NotEmpty(batch);
        foreach (var s in batch)
        {
            AssertValid(s, nfe, s.Name);
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
        var generator = GeneratorCatalog.Create("dp-timesteps", Context(5) with { Model = null });
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
