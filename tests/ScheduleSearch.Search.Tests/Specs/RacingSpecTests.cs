using ScheduleSearch.Search.Specs;

namespace ScheduleSearch.Search.Tests.Specs;

public sealed class RacingSpecTests
{
    private static string Minimal(string extra = "", string metric = "") => $$"""
        { "format": "schedule-search/search@1", "name": "s", "model": "m/model.json", "nfe": 5, "metric": { "kind": "teacher-rmse"{{metric}} }{{extra}} }
        """;

    [Theory]
    [InlineData("")]
    [InlineData(""", "racing": false""")]
    public void Without_racing_or_with_racing_false_there_is_none(string extra) => Assert.Null(SearchSpec.Parse(Minimal(extra)).Racing);

    [Fact]
    public void Racing_true_takes_the_first_free_seeds_for_two_racing_sets_and_then_the_validation_set()
    {
        var racing = SearchSpec.Parse(Minimal(""", "racing": true""", """, "samples": 64, "heldout": { "samples": 32 }""")).Racing!;
        Assert.Equal([2, 3], racing.Seeds.AsEnumerable());
        Assert.Equal(4, racing.ValidationSeed);
        Assert.Equal(64, racing.Samples);
        Assert.Equal(32, racing.ValidationSamples);
        Assert.Equal(2.0, racing.Confidence);
    }

    [Fact]
    public void Default_seeds_skip_the_scoring_and_held_out_seeds_wherever_they_are()
    {
        var racing = SearchSpec.Parse(Minimal(""", "racing": { "sets": 3 }""", """, "seed": 5, "heldout": { "seed": 7 }""")).Racing!;
        Assert.Equal([6, 8, 9], racing.Seeds.AsEnumerable());
        Assert.Equal(10, racing.ValidationSeed);
    }

    [Fact]
    public void A_racing_block_sets_every_field()
    {
        var racing = SearchSpec.Parse(Minimal(""", "racing": { "sets": 1, "samples": 100, "seed": 20, "confidence": 1.5, "validation": { "seed": 30, "samples": 200 } }""")).Racing!;
        Assert.Equal([20], racing.Seeds.AsEnumerable());
        Assert.Equal(100, racing.Samples);
        Assert.Equal(30, racing.ValidationSeed);
        Assert.Equal(200, racing.ValidationSamples);
        Assert.Equal(1.5, racing.Confidence);
    }

    [Theory]
    [InlineData(""", "racing": { "seed": 1 }""", "racing.seed")]
    [InlineData(""", "racing": { "seed": 3, "validation": { "seed": 4 } }""", "racing.validation.seed")]
    [InlineData(""", "racing": { "validation": { "seed": 1 } }""", "racing.validation.seed")]
    [InlineData(""", "racing": { "sets": 0 }""", "racing.sets")]
    [InlineData(""", "racing": { "sets": 9 }""", "racing.sets")]
    [InlineData(""", "racing": { "confidence": 0 }""", "racing.confidence")]
    [InlineData(""", "racing": { "rounds": 2 }""", "racing.rounds")]
    [InlineData(""", "racing": "yes" """, "racing")]
    public void Racing_that_would_reuse_the_scoring_held_out_or_another_set_s_noise_or_is_malformed_is_refused_naming_the_field(string extra, string field)
    {
        var ex = Assert.Throws<SearchSpecException>(() => SearchSpec.Parse(Minimal(extra)));
        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
    }
}
