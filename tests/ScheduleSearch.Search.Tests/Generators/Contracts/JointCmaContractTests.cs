using ScheduleSearch.Search.Generators;
using ScheduleSearch.Search.Tests.Support;

namespace ScheduleSearch.Search.Tests.Generators.Contracts;

public sealed class JointCmaContractTests : GeneratorContractTests
{
    public override string Kind => "joint-cma";

    public override ICandidateGenerator Create(GeneratorContext context) => new JointCmaGenerator(context);

    // CMA-ES restarts when its step size collapses, so it runs out only without a finite seed to start from.
    protected override (GeneratorContext Context, int Asks)? Exhaustion => (GeneratorContexts.Plain(5) with { Seeds = [] }, 1);
}
