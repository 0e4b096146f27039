using ScheduleSearch.Search.Generators;
using ScheduleSearch.Search.Tests.Support;

namespace ScheduleSearch.Search.Tests.Generators.Contracts;

public sealed class DpTimestepsContractTests : GeneratorContractTests
{
    public override string Kind => "dp-timesteps";

    // A coarser fine grid and fewer teacher trajectories than the catalog's (150 intervals, 64 samples): the same DP.
    public override ICandidateGenerator Create(GeneratorContext context) => new DpTimestepsGenerator(context, fineIntervals: 40, samples: 8, substeps: 2);

    // One batch of the best paths, then nothing.
    protected override (GeneratorContext Context, int Asks)? Exhaustion => (GeneratorContexts.Plain(5), 2);
}
