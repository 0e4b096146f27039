namespace ScheduleSearch.Storage.Tests;

/// <summary>The contract on the in-memory store.</summary>
public sealed class InMemoryScoreStoreTests : ScoreStoreContractTests
{
    protected override IScoreStore CreateStore() => new InMemoryScoreStore(Options);
}
