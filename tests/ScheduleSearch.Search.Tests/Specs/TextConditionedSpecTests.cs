using ScheduleSearch.Search.Specs;

namespace ScheduleSearch.Search.Tests.Specs;

/// <summary>A spec's guidance.prompts and metric.decode (text-conditioned latent models, FORMATS.md).</summary>
public sealed class TextConditionedSpecTests
{
    private static string Spec(string metric = "", string guidance = "") => $$"""
        { "format": "schedule-search/search@1", "name": "s", "model": "m/model.json", "nfe": 5,
          "metric": { "kind": "fd"{{metric}} }{{guidance}} }
        """;

    [Fact]
    public void Prompt_rows_are_read_as_a_list_and_cycle_by_default()
    {
        var listed = SearchSpec.Parse(Spec(guidance: """, "guidance": { "scale": 5, "prompts": [0, 3, 7] }"""));
        var cycling = SearchSpec.Parse(Spec(guidance: """, "guidance": { "scale": 5, "prompts": "cycle" }"""));

        Assert.Equal(new[] { 0, 3, 7 }, listed.Guidance.Prompts.AsEnumerable());
        Assert.True(cycling.Guidance.Prompts.IsDefaultOrEmpty);
        Assert.Equal("""{"classes":"cycle","prompts":[0,3,7],"scale":5}""", listed.Guidance.Canonical);

        // Cycling prompts keep the canonical text guidance had before prompts existed, so stored keys stay valid.
        Assert.Equal("""{"classes":"cycle","scale":5}""", cycling.Guidance.Canonical);
        Assert.False(new SampleGuidance { Prompts = [2] }.IsDefault);
    }

    [Theory]
    [InlineData("fd")]
    [InlineData("kid")]
    [InlineData("teacher-rmse")]
    [InlineData("teacher-mean-rmse")]
    [InlineData("teacher-relative")]
    public void Decode_is_read_for_feature_and_teacher_metrics_and_is_off_by_default(string kind)
    {
        Assert.True(SearchSpec.Parse(Spec(""", "decode": true""").Replace("\"fd\"", $"\"{kind}\"", StringComparison.Ordinal)).Metric.Decode);
        Assert.False(SearchSpec.Parse(Spec()).Metric.Decode);
    }

    [Theory]
    [InlineData(""", "decode": true""", "", "metric.decode", "metric gmm-nll scores the latents themselves; decoding applies to teacher-rmse, teacher-mean-rmse, teacher-relative, fd, kid (they compare decoded images)")]
    [InlineData(""", "decode": "yes" """, "", "metric.decode", "")]
    [InlineData("", """, "guidance": { "prompts": "all" }""", "guidance.prompts", "expected \"cycle\"")]
    [InlineData("", """, "guidance": { "prompts": [] }""", "guidance.prompts", "non-empty list of prompt rows")]
    [InlineData("", """, "guidance": { "prompts": [1, -2] }""", "guidance.prompts[1]", "")]
    public void Bad_prompts_and_decode_fields_are_refused_naming_the_field(string metric, string guidance, string field, string says)
    {
        var text = Spec(metric, guidance);
        if (field == "metric.decode" && says.Length > 0)
        {
            text = text.Replace("\"kind\": \"fd\"", "\"kind\": \"gmm-nll\"", StringComparison.Ordinal);
        }

        var e = Assert.Throws<SearchSpecException>(() => SearchSpec.Parse(text, "my.search.json"));

        Assert.Contains(field, e.Message, StringComparison.Ordinal);
        Assert.Contains(says, e.Message, StringComparison.Ordinal);
    }
}
