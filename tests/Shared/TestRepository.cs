namespace ScheduleSearch.Tests.Shared;

/// <summary>
/// The repository the tests run in, found above the test binaries by its ScheduleSearch.sln, for the checked-in
/// models, specs and scripts. One file, compiled into every test project that needs it.
/// </summary>
public static class TestRepository
{
    /// <summary>The repository's root folder.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The checked-in model zoo (models/).</summary>
    public static string Models => Path.Combine(Root, "models");

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ScheduleSearch.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("repository root (ScheduleSearch.sln) not found above " + AppContext.BaseDirectory);
    }
}
