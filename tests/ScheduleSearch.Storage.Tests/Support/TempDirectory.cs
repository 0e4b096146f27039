namespace ScheduleSearch.Storage.Tests.Support;

/// <summary>A fresh directory under the system temp folder, deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "schedule-search-storage-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Every file in the directory with its bytes, to show that nothing changed.</summary>
    public Dictionary<string, byte[]> Snapshot() =>
        Directory.GetFiles(Path).ToDictionary(f => System.IO.Path.GetFileName(f), System.IO.File.ReadAllBytes);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
