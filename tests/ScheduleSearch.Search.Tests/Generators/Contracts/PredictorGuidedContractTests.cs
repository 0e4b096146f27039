using ScheduleSearch.Search.Generators;

namespace ScheduleSearch.Search.Tests.Generators.Contracts;

public sealed class PredictorGuidedContractTests : GeneratorContractTests
{
    public override string Kind => "predictor-guided";

    // The catalog's knobs are sized for real runs (2,000 proposals a round, 5 folds); these run the same paths (warm-up,
    // surrogate rounds, a probe, cross-validation) in a fraction of the time.
    public override ICandidateGenerator Create(GeneratorContext context) =>
        new PredictorGuidedGenerator(context, new PredictorGuidedOptions { WarmupEvaluations = 20, Proposals = 100, Probe = 5, ProbeEvery = 20, CrossValidationFolds = 2 });
}
