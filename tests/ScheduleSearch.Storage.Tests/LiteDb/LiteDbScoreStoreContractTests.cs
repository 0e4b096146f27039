using ScheduleSearch.Storage.LiteDb;
using ScheduleSearch.Storage.Tests.Support;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Storage.Tests.LiteDb;

/// <summary>The contract on the LiteDB store, one fresh file per test.</summary>
public sealed class LiteDbScoreStoreContractTests : ScoreStoreContractTests, IDisposable
{
    private readonly TempDirectory directory = new();

    protected override IScoreStore CreateStore() => LiteDbScoreStore.Open(directory.File("scores.db"), Options);

    public void Dispose() => directory.Dispose();
}
