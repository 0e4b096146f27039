using ScheduleSearch.Search.Generators;
using ScheduleSearch.Search.Tests.Support;

namespace ScheduleSearch.Search.Tests.Generators.Contracts;

public sealed class RefineContractTests : GeneratorContractTests
{
    public override string Kind => "refine";

    public override ICandidateGenerator Create(GeneratorContext context) => new RefineGenerator(context);

    // Never improving, the step halves every round from 0.2 and falls below 1e-3 after 8 tells: the 9th ask is empty.
    protected override (GeneratorContext Context, int Asks)? Exhaustion => (GeneratorContexts.Plain(5), 9);
}
