using ScheduleSearch.Search.Specs;

namespace ScheduleSearch.Search.Tests.Specs;

/// <summary>The spec's guidance block and metric.features: read, defaulted, and refused with the field's name.</summary>
public sealed class SearchSpecSamplingTests
{
    private static string Spec(string metric, string extra = "") => $$"""
        { "format": "schedule-search/search@1", "name": "s", "model": "m/model.json", "nfe": 5, "metric": {{metric}}{{extra}} }
        """;

    [Fact]
    public void Without_a_guidance_block_the_model_runs_at_scale_1_with_cycling_classes()
    {
        var spec = SearchSpec.Parse(Spec("{ \"kind\": \"teacher-rmse\" }"), "s.json", "/x");

        Assert.True(spec.Guidance.IsDefault);
        Assert.Null(spec.Features);
    }

    [Fact]
    public void A_guidance_block_reads_the_scale_and_cycle_or_a_list_of_classes()
    {
        var cycling = SearchSpec.Parse(Spec("{ \"kind\": \"teacher-rmse\" }", ", \"guidance\": { \"scale\": 3, \"classes\": \"cycle\" }"), "s.json", "/x");
        var listed = SearchSpec.Parse(Spec("{ \"kind\": \"teacher-rmse\" }", ", \"guidance\": { \"scale\": 2.5, \"classes\": [3, 1] }"), "s.json", "/x");

        Assert.Equal(3.0, cycling.Guidance.Scale);
        Assert.True(cycling.Guidance.Classes.IsEmpty);
        Assert.False(cycling.Guidance.IsDefault);
        Assert.Equal([3, 1], listed.Guidance.Classes.ToArray());
        Assert.Equal("{\"classes\":[3,1],\"scale\":2.5}", listed.Guidance.Canonical);
        Assert.NotEqual(cycling.Guidance.Canonical, SampleGuidance.None.Canonical);
    }

    [Theory]
    [InlineData("{ \"scale\": -1 }", "guidance.scale", "non-negative finite number")]
    [InlineData("{ \"scale\": \"3\" }", "guidance.scale", "non-negative finite number")]
    [InlineData("{ \"classes\": \"random\" }", "guidance.classes", "\"cycle\"")]
    [InlineData("{ \"classes\": [] }", "guidance.classes", "non-empty list")]
    [InlineData("{ \"classes\": [2, -1] }", "guidance.classes[1]", "0")]
    [InlineData("{ \"w\": 3 }", "guidance.w", "unknown field")]
    public void A_bad_guidance_block_is_refused_naming_the_field_and_what_was_expected(string block, string field, string expected)
    {
        var e = Assert.Throws<SearchSpecException>(() => SearchSpec.Parse(Spec("{ \"kind\": \"teacher-rmse\" }", $", \"guidance\": {block}"), "s.json", "/x"));

        Assert.Contains($"s.json: {field}: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Features_resolve_against_the_specs_folder()
    {
        using var dir = new Folder("f.onnx", "m.npy", "c.npy");

        var spec = SearchSpec.Parse(Spec("{ \"kind\": \"fd\", \"features\": { \"onnx\": \"f.onnx\", \"mean\": \"m.npy\", \"covariance\": \"c.npy\" } }"), "s.json", dir.Path);

        Assert.Equal(new FeatureFiles(dir.File("f.onnx"), dir.File("m.npy"), dir.File("c.npy")), spec.Features);
    }

    [Theory]
    [InlineData("teacher-rmse", "{ \"onnx\": \"f.onnx\" }", "metric.features", "fd and kid only")]
    [InlineData("fd", "{ \"mean\": \"m.npy\", \"covariance\": \"c.npy\" }", "metric.features.onnx", "required")]
    [InlineData("fd", "{ \"onnx\": \"nope.onnx\" }", "metric.features.onnx", "does not exist")]
    [InlineData("fd", "{ \"onnx\": \"f.onnx\", \"mean\": \"m.npy\" }", "metric.features.covariance", "together")]
    [InlineData("kid", "{ \"onnx\": \"f.onnx\", \"mean\": \"m.npy\", \"covariance\": \"c.npy\" }", "metric.features.mean", "fd only")]
    [InlineData("fd", "{ \"onnx\": \"f.onnx\", \"stats\": \"m.npy\" }", "metric.features.stats", "unknown field")]
    public void Bad_features_are_refused_naming_the_field_and_what_was_expected(string kind, string features, string field, string expected)
    {
        using var dir = new Folder("f.onnx", "m.npy", "c.npy");

        var e = Assert.Throws<SearchSpecException>(() => SearchSpec.Parse(Spec($"{{ \"kind\": \"{kind}\", \"features\": {features} }}"), "s.json", dir.Path));

        Assert.Contains($"s.json: {field}: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    /// <summary>A temporary folder holding empty files of the given names.</summary>
    private sealed class Folder : IDisposable
    {
        public Folder(params string[] files)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "spec-sampling-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
            foreach (var file in files)
            {
                System.IO.File.WriteAllText(this.File(file), string.Empty);
            }
        }

        public string Path { get; }

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
