using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Spacings;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Search.Generators;
using ScheduleSearch.Search.Specs;
using ScheduleSearch.Search.Tests.Support;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Search.Tests.Generators;

public sealed class PredictorGuidedGeneratorTests
{
    private static readonly NoiseSchedule Vp = VpDiscreteSchedule.Linear();

    private static GeneratorContext Context(int nfe, int seed = 0) => new()
    {
        Noise = Vp,
        Nfe = nfe,
        Space = SearchSpace.Default,
        Population = 20,
        Seed = seed,
        Budget = 200,
        Seeds = [.. new[] { "unipc-bh1-2", "dpm-solver++-2m", "ddim" }.Select((p, i) => Scored(PresetCatalog.Create(p, Vp, nfe, Spacing.TimeUniform), 1 + i))],
    };

    private static ScoredSchedule Scored(SamplerSchedule s, double score) => TestScores.Scored(s, score);

    private static (List<string> Sequence, PredictorGuidedGenerator Generator) Run(string surrogate, int nfe, int seed, Action<SamplerSchedule>? check = null)
    {
        var generator = new PredictorGuidedGenerator(Context(nfe, seed), new PredictorGuidedOptions { Surrogate = surrogate, WarmupEvaluations = 40, BatchSize = 10, Proposals = 200, Probe = 10, ProbeEvery = 30 });
        var sequence = new List<string>();
        for (var round = 0; round < 5; round++)
        {
            var batch = generator.Ask();
            foreach (var s in batch)
            {
                check?.Invoke(s);
                sequence.Add(ScheduleKey.Compute(s));
            }

            generator.Tell(batch.Select(s => Scored(s, TestScores.Smooth(s))).ToArray());
        }

        return (sequence, generator);
    }

    [Theory]
    [InlineData("fasttree", 5)]
    [InlineData("mlp", 4)]
    [InlineData("ridge", 6)]
    public void With_each_surrogate_every_asked_schedule_validates_at_the_target_nfe_and_the_taus_are_logged(string surrogate, int nfe)
    {
        var (_, generator) = Run(surrogate, nfe, 1, s =>
        {
            var problems = ScheduleValidator.Problems(s, Vp);
            Assert.True(problems.Count == 0, string.Join("; ", problems));
            Assert.Equal(nfe, s.Nfe);
        });
        var logs = $"batch {string.Join(" ", generator.KendallTauLog)}; probe {string.Join(" ", generator.ProbeTauLog)}; cross-validated {string.Join(" ", generator.CrossValidatedTauLog)}";
        Assert.True(generator.KendallTauLog.Count > 0 && generator.ProbeTauLog.Count > 0 && generator.CrossValidatedTauLog.Count > 0, logs);
    }

    // FastTree's determinism is checked on the surrogate alone (SurrogateTests); the default surrogate here.
    [Fact]
    public void The_same_seed_asks_the_same_sequence_and_another_seed_another()
    {
        var a = Run("mlp", 5, 3).Sequence;
        Assert.Equal(a, Run("mlp", 5, 3).Sequence);
        Assert.NotEqual(a, Run("mlp", 5, 4).Sequence);
    }

    [Fact]
    public void Unknown_options_and_surrogates_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => PredictorGuidedOptions.Parse("surrogat=mlp"));
        Assert.Throws<ArgumentException>(() => new PredictorGuidedGenerator(Context(5), new PredictorGuidedOptions { Surrogate = "svm" }));
        Assert.Equal(12, PredictorGuidedOptions.Parse("surrogate=mlp, batchsize=12").BatchSize);
    }
}
