using ScheduleSearch.Search.Generators;

namespace ScheduleSearch.Search.Tests.Generators.Contracts;

public sealed class EvolutionaryContractTests : GeneratorContractTests
{
    public override string Kind => "evolutionary";

    public override ICandidateGenerator Create(GeneratorContext context) => new EvolutionaryGenerator(context);
}
