using ScheduleSearch.Search.Specs;

namespace ScheduleSearch.Search.Tests.Specs;

public sealed class ObjectiveSpecTests
{
    private static string Minimal(string extra = "") => $$"""
        { "format": "schedule-search/search@1", "name": "s", "model": "m/model.json", "nfe": 5, "metric": { "kind": "teacher-rmse" }{{extra}} }
        """;

    [Fact]
    public void Without_an_objective_the_score_alone_counts_and_no_variants_are_searched()
    {
        var spec = SearchSpec.Parse(Minimal());
        Assert.Equal(ObjectiveSpec.Score, spec.Objective);
        Assert.False(spec.Objective.IsTimeBudget);
        Assert.Empty(spec.Space.Models);
    }

    [Fact]
    public void A_time_budget_and_the_variants_to_mix_are_read()
    {
        var spec = SearchSpec.Parse(Minimal(""", "objective": { "kind": "time-budget", "time_per_sample_ms": 2.5 }, "space": { "models": ["small", "small"] }"""));
        Assert.True(spec.Objective.IsTimeBudget);
        Assert.Equal(2.5, spec.Objective.TimePerSampleMs);
        Assert.True(spec.Objective.Allows(2.5));
        Assert.False(spec.Objective.Allows(2.5000001));
        Assert.Equal(new[] { "small" }, spec.Space.Models.AsEnumerable());
        Assert.True(spec.Space.IsWide);
    }

    [Theory]
    [InlineData(""", "objective": { "kind": "speed" }""", "objective.kind")]
    [InlineData(""", "objective": { "kind": "time-budget" }""", "objective.time_per_sample_ms")]
    [InlineData(""", "objective": { "kind": "time-budget", "time_per_sample_ms": 0 }""", "objective.time_per_sample_ms")]
    [InlineData(""", "objective": { "kind": "time-budget", "time_per_sample_ms": "fast" }""", "objective.time_per_sample_ms")]
    [InlineData(""", "objective": { "kind": "score", "time_per_sample_ms": 3 }""", "objective.time_per_sample_ms")]
    [InlineData(""", "objective": { "kind": "score", "nfe_weight": 3 }""", "objective.nfe_weight")]
    [InlineData(""", "space": { "models": ["primary"] }""", "space.models[0]")]
    [InlineData(""", "space": { "models": ["small", ""] }""", "space.models[1]")]
    public void Objective_and_model_errors_name_the_field(string extra, string field)
    {
        var e = Assert.Throws<SearchSpecException>(() => SearchSpec.Parse(Minimal(extra), "my.search.json"));
        Assert.StartsWith("my.search.json: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(field, e.Message, StringComparison.Ordinal);
    }
}
