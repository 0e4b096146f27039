using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Search.Generators;
using ScheduleSearch.Search.Tests.Support;

namespace ScheduleSearch.Search.Tests.Generators;

/// <summary>
/// What <see cref="ICandidateGenerator"/> promises, checked for one generator (Optuna's BasicSamplerTestCase): every
/// schedule asked validates and costs the target NFE, in plain and wide spaces and under prefix breeding; the same
/// seed told the same scores asks the same schedules; a Tell may hold a prefix of the batch and +infinity; and once
/// Ask is empty it stays empty. One derived class per <see cref="GeneratorCatalog"/> name
/// (<see cref="GeneratorCatalogTests"/> checks that none is missing), so a failure names the generator and a row
/// can be rerun alone.
/// </summary>
public abstract class GeneratorContractTests
{
    /// <summary>The catalog name of the generator under test.</summary>
    public abstract string Kind { get; }

    /// <summary>Creates the generator under test.</summary>
    public abstract ICandidateGenerator Create(GeneratorContext context);

    /// <summary>
    /// How the generator runs out, or null when it never does by itself (the run's budget stops it): a context it
    /// runs out in when told scores no better than its seeds, and the most asks that takes, the empty one included.
    /// </summary>
    protected virtual (GeneratorContext Context, int Asks)? Exhaustion => null;

    private const int Rounds = 5;

    [Theory]
    [InlineData("plain", 2)]
    [InlineData("plain", 6)]
    [InlineData("wide", 3)]
    [InlineData("wide", 10)]
    [InlineData("plain prefix", 5)]
    [InlineData("wide prefix", 8)]
    [InlineData("dpm-solver-v3", 5)]
    [InlineData("dpm-solver-v3", 8)]
    public void Every_asked_schedule_validates_at_the_target_nfe(string space, int nfe)
    {
        var generator = Create(GeneratorContexts.Named(space, nfe));
        var scores = new Random(7);
        var asked = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var batch = generator.Ask();
            foreach (var s in batch)
            {
                GeneratorContexts.AssertValid(s, nfe, $"{Kind} in round {round}");
            }

            asked += batch.Count;
            generator.Tell([.. batch.Select(s => TestScores.Scored(s, scores.NextDouble()))]);
        }

        Assert.True(asked > 0, $"{Kind} asked nothing in {Rounds} rounds");
    }

    [Theory]
    [InlineData("plain", 5)]
    [InlineData("wide prefix", 6)]
    public void The_same_seed_told_the_same_scores_asks_the_same_schedules(string space, int nfe)
    {
        var first = AskedKeys(Create(GeneratorContexts.Named(space, nfe)));
        var second = AskedKeys(Create(GeneratorContexts.Named(space, nfe)));
        Assert.NotEmpty(first);
        Assert.Equal(first, second);
    }

    [Fact]
    public void A_tell_of_a_prefix_of_the_batch_is_taken_and_later_asks_stay_valid()
    {
        // The budget ran out mid-batch: the run tells the scored first part only.
        var generator = Create(GeneratorContexts.Plain(5));
        var asked = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var batch = generator.Ask();
            foreach (var s in batch)
            {
                GeneratorContexts.AssertValid(s, 5, $"{Kind} after prefix tells, round {round}");
            }

            asked += batch.Count;
            generator.Tell([.. batch.Take((batch.Count + 1) / 2).Select(s => TestScores.Scored(s, TestScores.Smooth(s)))]);
        }

        Assert.True(asked > 0, $"{Kind} asked nothing in {Rounds} rounds");
    }

    [Fact]
    public void A_tell_with_infinite_scores_is_taken_and_later_asks_stay_valid()
    {
        // Diverged schedules score +infinity: a whole first batch of them, then every other one.
        var generator = Create(GeneratorContexts.Wide(4));
        var asked = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var batch = generator.Ask();
            foreach (var s in batch)
            {
                GeneratorContexts.AssertValid(s, 4, $"{Kind} after +inf tells, round {round}");
            }

            asked += batch.Count;
            generator.Tell([.. batch.Select((s, i) => TestScores.Scored(s, round == 0 || i % 2 == 0 ? double.PositiveInfinity : TestScores.Smooth(s)))]);
        }

        Assert.True(asked > 0, $"{Kind} asked nothing in {Rounds} rounds");
    }

    [Fact]
    public void Ask_is_empty_only_once_the_generator_has_run_out_and_then_stays_empty()
    {
        var (context, asks) = Exhaustion ?? (GeneratorContexts.Plain(5), 3);
        var generator = Create(context);
        var sizes = new List<int>();
        for (var round = 0; round < asks + 3; round++)
        {
            var batch = generator.Ask();
            sizes.Add(batch.Count);
            // Scores worse than every seed: nothing improves, so a local search shrinks its step until it stops.
            generator.Tell([.. batch.Select(s => TestScores.Scored(s, 10.0 + TestScores.Smooth(s)))]);
        }

        var firstEmpty = sizes.IndexOf(0);
        var says = $"{Kind} asked batches of {string.Join(", ", sizes)}";
        if (Exhaustion is null)
        {
            Assert.True(firstEmpty < 0, says + "; it should never run out by itself");
            return;
        }

        Assert.True(firstEmpty >= 0 && firstEmpty < asks, says + $"; it should run out within {asks} asks");
        Assert.True(sizes.Skip(firstEmpty).All(n => n == 0), says + "; once empty it should stay empty");
    }

    private static List<string> AskedKeys(ICandidateGenerator generator)
    {
        var keys = new List<string>();
        for (var round = 0; round < Rounds; round++)
        {
            var batch = generator.Ask();
            keys.AddRange(batch.Select(ScheduleKey.Compute));
            generator.Tell([.. batch.Select(s => TestScores.Scored(s, TestScores.Smooth(s)))]);
        }

        return keys;
    }
}
