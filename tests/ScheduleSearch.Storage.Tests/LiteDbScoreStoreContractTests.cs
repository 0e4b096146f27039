using ScheduleSearch.Storage.Tests.Support;

namespace ScheduleSearch.Storage.Tests;

/// <summary>The contract on the LiteDB store, one fresh file per test.</summary>
public sealed class LiteDbScoreStoreContractTests : ScoreStoreContractTests, IDisposable
{
    private readonly TempDirectory _directory = new();

    protected override IScoreStore CreateStore() => LiteDbScoreStore.Open(_directory.File("scores.db"), Options);

    public void Dispose() => _directory.Dispose();
}
