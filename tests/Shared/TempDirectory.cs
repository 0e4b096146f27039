namespace ScheduleSearch.Tests.Shared;

/// <summary>A fresh folder under the system temp folder, deleted on dispose. One file, compiled into every test project that needs it.</summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>Creates the folder.</summary>
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "schedule-search-test-" + Guid.NewGuid().ToString("N")[..16]);
        Directory.CreateDirectory(Path);
    }

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>A path inside the folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes a file inside the folder and returns its path.</summary>
    public string Write(string name, string text)
    {
        var path = File(name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Every file in the folder with its bytes, to show that nothing changed.</summary>
    public Dictionary<string, byte[]> Snapshot() =>
        Directory.GetFiles(Path).ToDictionary(f => System.IO.Path.GetFileName(f), System.IO.File.ReadAllBytes);

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process killed by a test may still hold a file for a moment; a leftover temp folder is harmless.
        }
    }
}
