using ScheduleSearch.Storage.Postgres;
using ScheduleSearch.Storage.Tests.Support;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Storage.Tests;

/// <summary>The contract on the PostgreSQL store, one fresh schema per test on the server that .ci/postgres-up starts.</summary>
public sealed class PostgresScoreStoreContractTests : ScoreStoreContractTests, IDisposable
{
    private readonly PostgresTestServer _server = new();

    protected override IScoreStore CreateStore() => PostgresScoreStore.Open(_server.Location, Options);

    public void Dispose() => _server.Dispose();
}
