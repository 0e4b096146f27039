using ScheduleSearch.Storage.Postgres;
using ScheduleSearch.Storage.Tests.Support;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Storage.Tests.Postgres;

/// <summary>The contract on the PostgreSQL store, one fresh schema per test on the tests' throwaway server.</summary>
public sealed class PostgresScoreStoreContractTests : ScoreStoreContractTests, IDisposable
{
    private readonly PostgresTestServer server = new();

    protected override IScoreStore CreateStore() => PostgresScoreStore.Open(server.Location, Options);

    public void Dispose() => server.Dispose();
}
