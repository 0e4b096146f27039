using ScheduleSearch.Models.Gmm;
using ScheduleSearch.Models.Inspection;
using ScheduleSearch.Models.Tests.Support;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Models.Tests.Inspection;

public class ModelInspectorTests
{
    [Fact]
    public void Inspecting_a_good_card_lists_inputs_outputs_and_schedule_and_passes()
    {
        var report = ModelInspector.Inspect(BuiltInModels.GmmToy8Card);

        Assert.True(report.Passed, string.Join("; ", report.Problems));
        Assert.Equal(["x", "sigma"], report.Inputs.Select(i => i.Name));
        Assert.Equal("x0", Assert.Single(report.Outputs).Name);
        Assert.Contains("vp-discrete", report.Schedule);
        Assert.Contains("check:    PASS", report.ToText());
        Assert.Contains("input:    x: float [?, 8]", report.ToText());
    }

    [Fact]
    public void Inspecting_an_onnx_file_finds_the_card_next_to_it()
    {
        var onnx = Path.Combine(Path.GetDirectoryName(BuiltInModels.GmmToy8Card)!, "model.onnx");

        var report = ModelInspector.Inspect(onnx);

        Assert.True(report.Passed, string.Join("; ", report.Problems));
        Assert.Equal("gmm-toy-8", report.Card?.Name);
    }

    [Fact]
    public void Inspecting_a_mismatched_card_fails_and_names_the_mismatch()
    {
        using var dir = new TempDirectory();
        GmmModelWriter.Write(TestMixtures.Random(2, 8, 3), dir.Path);
        File.WriteAllText(dir.File("model.json"), CardText.Gmm8(j => j.Replace("\"name\": \"x0\"", "\"name\": \"denoised\"")));

        var report = ModelInspector.Inspect(dir.File("model.json"));

        Assert.False(report.Passed);
        Assert.Contains(report.Problems, p => p.Contains("'denoised'", StringComparison.Ordinal));
        Assert.Contains("check:    FAIL", report.ToText());
    }

    [Fact]
    public void Inspecting_an_onnx_file_without_a_card_fails_saying_so()
    {
        using var dir = new TempDirectory();
        GmmModelWriter.Write(TestMixtures.Random(2, 8, 3), dir.Path);
        File.Delete(dir.File("model.json"));

        var report = ModelInspector.Inspect(dir.File("model.onnx"));

        Assert.False(report.Passed);
        Assert.Contains(report.Problems, p => p.Contains("no model card", StringComparison.Ordinal));
        Assert.Equal(2, report.Inputs.Count);
    }
}
