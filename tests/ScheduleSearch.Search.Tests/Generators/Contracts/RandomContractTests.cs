using ScheduleSearch.Search.Generators;

namespace ScheduleSearch.Search.Tests.Generators.Contracts;

public sealed class RandomContractTests : GeneratorContractTests
{
    public override string Kind => "random";

    public override ICandidateGenerator Create(GeneratorContext context) => new RandomGenerator(context);
}
