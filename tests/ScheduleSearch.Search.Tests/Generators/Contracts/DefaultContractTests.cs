using ScheduleSearch.Search.Generators;

namespace ScheduleSearch.Search.Tests.Generators.Contracts;

public sealed class DefaultContractTests : GeneratorContractTests
{
    public override string Kind => "default";

    public override ICandidateGenerator Create(GeneratorContext context) => new EvolutionaryGenerator(context);
}
