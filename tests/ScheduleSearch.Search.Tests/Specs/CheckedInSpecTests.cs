using System.Text.Json;
using ScheduleSearch.Search.Specs;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Search.Tests.Specs;

public sealed class CheckedInSpecTests
{
    public static TheoryData<string> Specs => ["quickstart", "gmm-64", "fashion", "fashion-guided", "fashion-fd", "fashion-ldm"];

    [Theory]
    [MemberData(nameof(Specs))]
    public void Every_checked_in_spec_parses_and_points_at_an_existing_model(string name)
    {
        var path = Path.Combine(TestRepository.Root, "searches", $"{name}.search.json");
        var spec = SearchSpec.Load(path);
        Assert.True(File.Exists(spec.ModelPath), $"{path}: model {spec.ModelPath} does not exist");
    }

    [Theory]
    [MemberData(nameof(Specs))]
    public void Every_checked_in_spec_on_a_card_with_dpm_solver_v3_statistics_lists_the_dpm_solver_v3_baseline(string name)
    {
        var spec = SearchSpec.Load(Path.Combine(TestRepository.Root, "searches", $"{name}.search.json"));
        using var card = JsonDocument.Parse(File.ReadAllText(spec.ModelPath));
        if (card.RootElement.TryGetProperty("ems", out var ems) && ems.ValueKind == JsonValueKind.String)
        {
            Assert.Contains(Core.Presets.DpmSolverV3Preset.Name, spec.Baselines);
            Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(spec.ModelPath)!, ems.GetString()!)), $"{spec.ModelPath}: ems file {ems.GetString()} is missing");
        }
    }
}
