using ScheduleSearch.Search.Specs;

namespace ScheduleSearch.Search.Tests;

public sealed class CheckedInSpecTests
{
    public static TheoryData<string> Specs => ["quickstart", "gmm-64", "fashion", "fashion-guided", "fashion-fd"];

    [Theory]
    [MemberData(nameof(Specs))]
    public void Every_checked_in_spec_parses_and_points_at_an_existing_model(string name)
    {
        var path = Path.Combine(RepositoryRoot(), "searches", $"{name}.search.json");
        var spec = SearchSpec.Load(path);
        Assert.True(File.Exists(spec.ModelPath), $"{path}: model {spec.ModelPath} does not exist");
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ScheduleSearch.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }
}
