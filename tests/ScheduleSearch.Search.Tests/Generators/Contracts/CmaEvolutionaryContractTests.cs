using ScheduleSearch.Search.Generators;

namespace ScheduleSearch.Search.Tests.Generators.Contracts;

public sealed class CmaEvolutionaryContractTests : GeneratorContractTests
{
    public override string Kind => "cma-evolutionary";

    public override ICandidateGenerator Create(GeneratorContext context) => new CompositeGenerator(context, GeneratorCatalog.CmaEvolutionaryPhases);
}
