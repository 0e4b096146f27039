using ScheduleSearch.Search.Generators;
using ScheduleSearch.Search.Tests.Support;

namespace ScheduleSearch.Search.Tests.Generators;

public sealed class GeneratorCatalogTests
{
    [Fact]
    public void Every_catalog_name_has_one_contract_class_testing_the_generator_the_catalog_creates()
    {
        var contracts = typeof(GeneratorContractTests).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(GeneratorContractTests)) && !t.IsAbstract)
            .Select(t => (GeneratorContractTests)Activator.CreateInstance(t)!)
            .ToArray();
        Assert.Equal(GeneratorCatalog.Names.Order(StringComparer.Ordinal), contracts.Select(c => c.Kind).Order(StringComparer.Ordinal));
        var context = GeneratorContexts.Plain(5);
        Assert.All(contracts, c => Assert.Equal(GeneratorCatalog.Create(c.Kind, context).GetType(), c.Create(context).GetType()));
    }

    [Fact]
    public void An_unknown_kind_is_refused_naming_the_known_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => GeneratorCatalog.Create("annealing", GeneratorContexts.Plain(5)));
        Assert.Contains("'annealing'", e.Message, StringComparison.Ordinal);
        Assert.Contains("evolutionary", e.Message, StringComparison.Ordinal);
    }
}
